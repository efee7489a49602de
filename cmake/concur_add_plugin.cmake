# concur_add_plugin(NAME SOURCES src... [LIBRARIES lib...]): builds strategy plugin NAME.so against the concur SDK.
# Used by concur's own plugins and, through find_package(concur), by plugins built out of tree.
# Set CONCUR_PLUGIN_OUTPUT_DIR to choose where NAME.so is written, CONCUR_PLUGIN_INSTALL_DIR to install it.
function(concur_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "concur_add_plugin(${name}): no SOURCES given")
  endif()
  set(target concur_plugin_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE concur::sdk ${ARG_LIBRARIES})
  target_compile_features(${target} PRIVATE cxx_std_20)
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name}
    # Only the two C symbols CONCUR_PLUGIN exports need to be seen.
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GNU "unique" symbols (from inline statics such as std::to_string's) make
    # glibc refuse to unload a library; without them a strategy that outlives
    # its library crashes visibly instead of hiding the bug.
    target_compile_options(${target} PRIVATE -fno-gnu-unique)
  endif()
  if(CONCUR_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CONCUR_PLUGIN_OUTPUT_DIR})
  endif()
  # Inside concur's own build: its warnings, and the target tests depend on.
  if(TARGET concur_warnings)
    target_link_libraries(${target} PRIVATE concur_warnings)
  endif()
  if(TARGET concur_plugins)
    add_dependencies(concur_plugins ${target})
  endif()
  if(CONCUR_PLUGIN_INSTALL_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${CONCUR_PLUGIN_INSTALL_DIR})
  endif()
endfunction()

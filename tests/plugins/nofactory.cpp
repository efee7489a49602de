// Bad plugin: a real shared library that exports no concur symbol at all.
extern "C" __attribute__((visibility("default"))) int concur_test_not_a_plugin() { return 42; }

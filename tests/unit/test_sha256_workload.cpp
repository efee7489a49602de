// SHA-256: known digests through both OpenSSL paths, and the sha256 workload's outcomes and verification.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "run_task.hpp"
#include "util/sha256_hex.hpp"
#include "workloads/random_data.hpp"
#include "workloads/workload.hpp"

namespace concur {
namespace {


Params sha256_params(std::int64_t jobs, std::int64_t size) {
  Params params;
  params.set("jobs", jobs);
  params.set("size", size);
  return params;
}

std::unique_ptr<Workload> make(std::int64_t jobs, std::int64_t size, std::uint64_t seed = 42) {
  return find_workload_type("sha256")->create(sha256_params(jobs, size), seed, inputs());
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(Sha256, KnownDigestsOnBothPaths) {
  const std::string million_a(1'000'000, 'a');
  const std::vector<std::pair<std::string_view, std::string>> vectors = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {million_a, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
  };
  for (const auto& [text, digest] : vectors) {
    EXPECT_EQ(sha256_hex_streamed(bytes_of(text)), digest) << text.size() << " bytes";
    EXPECT_EQ(sha256_hex_oneshot(bytes_of(text)), digest) << text.size() << " bytes";
  }
}

TEST(Sha256, StreamedMatchesOneShotAcrossChunkBoundaries) {
  const auto data = random_bytes(3 * 65536 + 100, 11);
  for (std::size_t n : {1u, 63u, 64u, 65u, 65535u, 65536u, 65537u, 3u * 65536u + 100u}) {
    const std::span<const std::uint8_t> prefix(data.data(), n);
    EXPECT_EQ(sha256_hex_streamed(prefix), sha256_hex_oneshot(prefix)) << n;
  }
}

TEST(Sha256Workload, DefaultsAreTwelveMebibyteBuffers) {
  Params params;
  for (const auto& spec : find_workload_type("sha256")->params) params.set(spec.name, spec.default_value);
  const auto workload = find_workload_type("sha256")->create(params, 42, inputs());
  ASSERT_EQ(workload->size(), 12u);
  EXPECT_EQ(workload->bytes(), 12u << 20);
  EXPECT_EQ(workload->label(4), "sha256(4)");
  EXPECT_EQ(workload->start_message(0), "hashing 1 MiB...");
  const Outcome outcome = run_task(*workload, 11);
  EXPECT_EQ(outcome.bytes, 1u << 20);
  EXPECT_EQ(workload->verify(11, outcome), "");
}

TEST(Sha256Workload, TasksHashTheirOwnSeededInput) {
  const auto workload = make(3, 100'000);
  for (std::size_t k = 0; k < workload->size(); ++k) {
    const Outcome outcome = run_task(*workload, k);
    ASSERT_EQ(outcome.status, Status::ok) << outcome.message;
    EXPECT_EQ(outcome.bytes, 100'000u);
    // The input is the documented function of (seed, workload name, task index).
    EXPECT_EQ(outcome.digest, sha256_hex_oneshot(random_bytes(100'000, task_seed(42, "sha256", k))));
    EXPECT_EQ(workload->verify(k, outcome), "");
    EXPECT_EQ(workload->result_text(k, outcome), outcome.digest.substr(0, 16));
  }
  EXPECT_NE(run_task(*workload, 0).digest, run_task(*workload, 1).digest);
  EXPECT_NE(run_task(*make(3, 100'000, 43), 0).digest, run_task(*workload, 0).digest);
}

TEST(Sha256Workload, EmptyBuffersHashToTheEmptyDigest) {
  const auto workload = make(2, 0);
  const Outcome outcome = run_task(*workload, 1);
  EXPECT_EQ(outcome.digest, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(workload->verify(1, outcome), "");
  EXPECT_EQ(workload->bytes(), 0u);
}

TEST(Sha256Workload, VerifyRejectsTamperedOutcomes) {
  const auto workload = make(2, 4096);
  const Outcome good = run_task(*workload, 0);
  ASSERT_EQ(workload->verify(0, good), "");

  Outcome tampered = good;
  tampered.digest.back() = tampered.digest.back() == 'a' ? 'b' : 'a';
  EXPECT_NE(workload->verify(0, tampered).find("expected " + good.digest), std::string::npos);
  Outcome short_count = good;
  short_count.bytes = 4095;
  EXPECT_EQ(workload->verify(0, short_count), "expected 4096 bytes, got 4095");
  EXPECT_NE(workload->verify(1, good), "");  // another task's digest
  EXPECT_NE(workload->verify(0, Outcome::error("boom")), "");
  EXPECT_NE(workload->verify(2, good), "");
}

TEST(Sha256Workload, BadIndexIsAnErrorOutcome) {
  EXPECT_EQ(run_task(*make(1, 16), 1).status, Status::error);
}

}  // namespace
}  // namespace concur

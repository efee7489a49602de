// RC4: RFC 6229 keystreams, round trips, and the rc4 workload's sizes, outcomes and verification.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "run_task.hpp"
#include "workloads/random_data.hpp"
#include "workloads/rc4.hpp"
#include "workloads/workload.hpp"

namespace concur {
namespace {


Params defaults(const std::string& type) {
  const WorkloadType* t = find_workload_type(type);
  EXPECT_NE(t, nullptr);
  Params params;
  for (const auto& spec : t->params) params.set(spec.name, spec.default_value);
  return params;
}

std::vector<std::uint8_t> bytes_of_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t k = 0; k + 1 < hex.size(); k += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(k, 2), nullptr, 16)));
  return out;
}

std::string hex_of(const std::uint8_t* data, std::size_t n) {
  std::string out;
  std::array<char, 3> byte{};
  for (std::size_t k = 0; k < n; ++k) {
    std::snprintf(byte.data(), byte.size(), "%02x", data[k]);
    out += byte.data();
  }
  return out;
}

struct KeystreamSample {
  std::size_t offset;
  const char* hex;
};

// Keystream (the encryption of zeros) at each offset, 16 bytes.
void expect_keystream(const std::string& key_hex, const std::vector<KeystreamSample>& samples) {
  const auto key = bytes_of_hex(key_hex);
  std::vector<std::uint8_t> zeros(4112, 0);
  std::vector<std::uint8_t> stream(zeros.size());
  Rc4(key).apply(zeros.data(), stream.data(), zeros.size());
  for (const auto& [offset, hex] : samples) EXPECT_EQ(hex_of(stream.data() + offset, 16), hex) << "offset " << offset;
}

TEST(Rc4, Rfc6229Key40Bits) {
  expect_keystream("0102030405", {
                                     {0, "b2396305f03dc027ccc3524a0a1118a8"},
                                     {16, "6982944f18fc82d589c403a47a0d0919"},
                                     {240, "28cb1132c96ce286421dcaadb8b69eae"},
                                     {256, "1cfcf62b03eddb641d77dfcf7f8d8c93"},
                                     {496, "42b7d0cdd918a8a33dd51781c81f4041"},
                                     {512, "6459844432a7da923cfb3eb4980661f6"},
                                     {1520, "3294f744d8f9790507e70f62e5bbceea"},
                                     {1536, "d8729db41882259bee4f825325f5a130"},
                                     {4080, "068326a2118416d21f9d04b2cd1ca050"},
                                     {4096, "ff25b58995996707e51fbdf08b34d875"},
                                 });
}

TEST(Rc4, Rfc6229Key128Bits) {
  expect_keystream("0102030405060708090a0b0c0d0e0f10", {
                                                           {0, "9ac7cc9a609d1ef7b2932899cde41b97"},
                                                           {16, "5248c4959014126a6e8a84f11d1a9e1c"},
                                                           {240, "065902e4b620f6cc36c8589f66432f2b"},
                                                           {256, "d39d566bc6bce3010768151549f3873f"},
                                                           {496, "b6d1e6c4a5e4771cad79538df295fb11"},
                                                           {512, "c68c1d5c559a974123df1dbc52a43b89"},
                                                           {1520, "b40110c4190b5622a96116b0017ed297"},
                                                           {1536, "ffa0b514647ec04f6306b892ae661181"},
                                                           {4080, "ff38265c1642c1abe8d3c2fe5e572bf8"},
                                                           {4096, "a36a4c301ae8ac13610ccbc12256cacc"},
                                                       });
}

TEST(Rc4, StreamContinuesAcrossCallsAndWorksInPlace) {
  const auto plain = random_bytes(1000, 5);
  std::vector<std::uint8_t> whole(plain.size());
  Rc4("Key").apply(plain.data(), whole.data(), plain.size());

  std::vector<std::uint8_t> pieces = plain;  // in place, in uneven pieces
  Rc4 rc4("Key");
  std::size_t done = 0;
  for (std::size_t piece : {0u, 1u, 255u, 256u, 488u}) {
    rc4.apply(pieces.data() + done, pieces.data() + done, piece);
    done += piece;
  }
  ASSERT_EQ(done, plain.size());
  EXPECT_EQ(pieces, whole);
  EXPECT_NE(whole, plain);

  std::vector<std::uint8_t> back(plain.size());
  Rc4("Key").apply(whole.data(), back.data(), whole.size());
  EXPECT_EQ(back, plain);
}

TEST(Rc4, ClassicKeyPlaintextPair) {
  // The widely published example: RC4("Key", "Plaintext").
  const std::string plain = "Plaintext";
  std::vector<std::uint8_t> out(plain.size());
  Rc4("Key").apply(reinterpret_cast<const std::uint8_t*>(plain.data()), out.data(), plain.size());
  EXPECT_EQ(hex_of(out.data(), out.size()), "bbf316e8d940af0ad3");
}

TEST(Rc4, RejectsEmptyAndOversizedKeys) {
  EXPECT_THROW(Rc4(std::string_view{}), std::invalid_argument);
  EXPECT_THROW(Rc4(std::string(257, 'k')), std::invalid_argument);
  EXPECT_NO_THROW(Rc4(std::string(256, 'k')));
}

TEST(Rc4, ThroughputIsReported) {
  constexpr std::size_t size = 16 << 20;
  const auto plain = random_bytes(size, 3);
  std::vector<std::uint8_t> cipher(size);
  const auto start = std::chrono::steady_clock::now();
  Rc4("concur").apply(plain.data(), cipher.data(), size);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("[          ] Rc4::apply: %.1f MB/s (16 MiB in %.1f ms)\n", static_cast<double>(size) / took.count() / 1e6,
              took.count() * 1e3);
  std::vector<std::uint8_t> back(size);
  Rc4("concur").apply(cipher.data(), back.data(), size);
  EXPECT_EQ(back, plain);
}

TEST(Rc4Workload, DefaultSizesAreThoseOfTheExperiment) {
  const auto workload = find_workload_type("rc4")->create(defaults("rc4"), 42, inputs());
  ASSERT_EQ(workload->size(), 12u);
  // 2^18 + 2^18 * (i - 6) / 12 for i = 12 .. 1.
  const Outcome first = run_task(*workload, 0);
  const Outcome last = run_task(*workload, 11);
  EXPECT_EQ(first.bytes, 393216u);  // 384 KiB
  EXPECT_EQ(last.bytes, 152918u);   // about 149 KiB
  EXPECT_EQ(workload->start_message(0), "encrypting and decrypting 384 KiB...");
  EXPECT_EQ(workload->start_message(11), "encrypting and decrypting 149.33 KiB...");
  std::uint64_t total = 0;
  for (std::int64_t i = 1; i <= 12; ++i) total += static_cast<std::uint64_t>(262144 + 262144 * (i - 6) / 12);
  EXPECT_EQ(workload->bytes(), total);
  EXPECT_EQ(workload->label(3), "rc4(3)");
}

TEST(Rc4Workload, OutcomeCarriesCiphertextPrefixAndFold) {
  // Computed here byte by byte, independently of the workload's word-wise
  // fold, over a size whose last word is partial.
  Params params = defaults("rc4");
  params.set("jobs", std::int64_t{1});
  params.set("size", std::int64_t{21});
  params.set("spread", std::int64_t{0});
  const auto workload = find_workload_type("rc4")->create(params, 5, inputs());
  const auto plain = random_bytes(21, task_seed(5, "rc4", 0));
  std::vector<std::uint8_t> cipher(plain.size());
  Rc4("concur").apply(plain.data(), cipher.data(), plain.size());
  std::uint64_t fold = 0;
  for (std::size_t k = 0; k < cipher.size(); ++k) fold ^= std::uint64_t{cipher[k]} << (8 * (k % 8));

  const Outcome outcome = run_task(*workload, 0);
  ASSERT_EQ(outcome.status, Status::ok) << outcome.message;
  EXPECT_EQ(outcome.bytes, 21u);
  EXPECT_EQ(outcome.digest, hex_of(cipher.data(), 16));
  EXPECT_EQ(static_cast<std::uint64_t>(outcome.value), fold);
}

TEST(Rc4Workload, SpreadZeroGivesEqualSizes) {
  Params params = defaults("rc4");
  params.set("jobs", std::int64_t{3});
  params.set("size", std::int64_t{1000});
  params.set("spread", std::int64_t{0});
  const auto workload = find_workload_type("rc4")->create(params, 1, inputs());
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(run_task(*workload, k).bytes, 1000u);
  EXPECT_EQ(workload->bytes(), 3000u);
}

TEST(Rc4Workload, EveryTaskRoundTripsAndVerifies) {
  const auto workload = find_workload_type("rc4")->create(defaults("rc4"), 42, inputs());
  for (std::size_t k = 0; k < workload->size(); ++k) {
    const Outcome outcome = run_task(*workload, k);
    ASSERT_EQ(outcome.status, Status::ok) << outcome.message;
    EXPECT_EQ(outcome.digest.size(), 32u);
    EXPECT_EQ(outcome.digest.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(workload->verify(k, outcome), "");
    EXPECT_EQ(workload->result_text(k, outcome), outcome.digest.substr(0, 16));
  }
}

TEST(Rc4Workload, VerifyRejectsTamperedOutcomes) {
  const auto workload = find_workload_type("rc4")->create(defaults("rc4"), 42, inputs());
  const Outcome good = run_task(*workload, 2);
  ASSERT_EQ(workload->verify(2, good), "");

  Outcome digest = good;
  digest.digest[0] = digest.digest[0] == '0' ? '1' : '0';
  EXPECT_NE(workload->verify(2, digest), "");
  Outcome fold = good;
  fold.value ^= 1;
  EXPECT_NE(workload->verify(2, fold), "");
  Outcome bytes = good;
  bytes.bytes -= 1;
  EXPECT_NE(workload->verify(2, bytes), "");
  EXPECT_NE(workload->verify(3, good), "");  // another task's outcome
  EXPECT_NE(workload->verify(99, good), "");
  const Outcome failed = Outcome::error("round trip mismatch at byte 7");
  EXPECT_EQ(workload->verify(2, failed), "expected ok, got error: round trip mismatch at byte 7");
  EXPECT_EQ(workload->result_text(2, failed), "error: round trip mismatch at byte 7");
}

TEST(Rc4Workload, InputsFollowTheSeedAndTheKey) {
  Params params = defaults("rc4");
  params.set("jobs", std::int64_t{2});
  params.set("size", std::int64_t{4096});
  const auto a = find_workload_type("rc4")->create(params, 7, inputs());
  const auto b = find_workload_type("rc4")->create(params, 7, inputs());
  const auto c = find_workload_type("rc4")->create(params, 8, inputs());
  params.set("key", std::string{"another key"});
  const auto d = find_workload_type("rc4")->create(params, 7, inputs());
  const Outcome oa = run_task(*a, 0);
  EXPECT_EQ(run_task(*b, 0).digest, oa.digest);
  EXPECT_NE(run_task(*c, 0).digest, oa.digest);
  EXPECT_NE(run_task(*d, 0).digest, oa.digest);
  EXPECT_NE(run_task(*a, 1).digest, oa.digest);
}

TEST(Rc4Workload, ConcurrentAndRepeatedRunsAgree) {
  const auto workload = find_workload_type("rc4")->create(defaults("rc4"), 42, inputs());
  const Outcome reference = run_task(*workload, 5);
  std::vector<Outcome> outcomes(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < outcomes.size(); ++t) {
    threads.emplace_back([&, t] { outcomes[t] = run_task(*workload, t % 2 == 0 ? 5 : 6); });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t t = 0; t < outcomes.size(); ++t) {
    EXPECT_EQ(workload->verify(t % 2 == 0 ? 5 : 6, outcomes[t]), "") << t;
    if (t % 2 == 0) {
      EXPECT_EQ(outcomes[t].digest, reference.digest);
    }
  }
}

TEST(Rc4Workload, BadIndexOrKeyIsAnErrorNotACrash) {
  const auto workload = find_workload_type("rc4")->create(defaults("rc4"), 42, inputs());
  EXPECT_EQ(run_task(*workload, 12).status, Status::error);
  Params params = defaults("rc4");
  params.set("key", std::string{});
  EXPECT_THROW(find_workload_type("rc4")->create(params, 1, inputs()), std::invalid_argument);
}

}  // namespace
}  // namespace concur

// Sealed records: what a TaskSource seals unseals unchanged, and nothing else unseals: not altered bytes, not another batch's, not made-up ones.
#include <gtest/gtest.h>

#include <string>

#include "concur/host.hpp"
#include "host/sealed_record.hpp"

namespace concur {
namespace {

RemoteRecord sample() {
  RemoteRecord r;
  r.index = 11;
  r.worker = 2;
  r.start_ns = 1'234'567'890'123;
  r.end_ns = 1'234'567'990'123;
  r.outcome.status = Status::not_found;
  r.outcome.bytes = 0xfedcba9876543210ull;
  r.outcome.value = -42;
  r.outcome.digest = "00ff";
  r.outcome.message = std::string("with\0nul", 8);
  return r;
}

const BatchId batch = batch_id("{\"workload\":\"loiter\"}");

TEST(SealedRecord, RoundTrip) {
  std::string why;
  const std::optional<RemoteRecord> r = unseal(seal(sample(), batch), batch, why);
  ASSERT_TRUE(r) << why;
  const RemoteRecord expected = sample();
  EXPECT_EQ(r->index, expected.index);
  EXPECT_EQ(r->worker, expected.worker);
  EXPECT_EQ(r->start_ns, expected.start_ns);
  EXPECT_EQ(r->end_ns, expected.end_ns);
  EXPECT_EQ(r->outcome.status, expected.outcome.status);
  EXPECT_EQ(r->outcome.bytes, expected.outcome.bytes);
  EXPECT_EQ(r->outcome.value, expected.outcome.value);
  EXPECT_EQ(r->outcome.digest, expected.outcome.digest);
  EXPECT_EQ(r->outcome.message, expected.outcome.message);
}

TEST(SealedRecord, EveryAlteredByteIsRefused) {
  const std::string sealed = seal(sample(), batch);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string altered = sealed;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    std::string why;
    EXPECT_FALSE(unseal(altered, batch, why)) << "byte " << i;
    EXPECT_EQ(why, "a record that no TaskSource sealed (forged or altered)");
  }
}

TEST(SealedRecord, CutOrLengthenedIsRefused) {
  const std::string sealed = seal(sample(), batch);
  std::string why;
  EXPECT_FALSE(unseal(sealed.substr(0, sealed.size() - 1), batch, why));
  EXPECT_FALSE(unseal(sealed + "x", batch, why));
  EXPECT_FALSE(unseal("", batch, why));
  EXPECT_FALSE(unseal(std::string(max_record_bytes + 1, 'x'), batch, why));
  EXPECT_EQ(why, "a record that no TaskSource sealed (forged or altered)");
}

TEST(SealedRecord, AnotherBatchsRecordIsRefused) {
  const std::string sealed = seal(sample(), batch_id("{\"workload\":\"rc4\"}"));
  std::string why;
  EXPECT_FALSE(unseal(sealed, batch, why));
  EXPECT_EQ(why, "a record sealed for another batch (different workload, parameters or inputs)");
}

TEST(SealedRecord, LongTextIsCutToFit) {
  RemoteRecord r = sample();
  r.outcome.message = std::string(1 << 20, 'm');
  r.outcome.digest = std::string(1 << 20, 'd');
  const std::string sealed = seal(r, batch);
  EXPECT_LE(sealed.size(), max_record_bytes);
  std::string why;
  const std::optional<RemoteRecord> back = unseal(sealed, batch, why);
  ASSERT_TRUE(back) << why;
  EXPECT_EQ(back->outcome.message.size(), 64u * 1024);
  EXPECT_TRUE(back->outcome.message.ends_with(" [cut]"));
}

}  // namespace
}  // namespace concur

//===- SourceTest.cpp - Pull from a loopback registry, then analyze -------===//
#include "analyzer/Source.h"

#include <cstdlib>
#include <filesystem>
#include <optional>

#include <gtest/gtest.h>

#include "analyzer/Analysis.h"
#include "analyzer/TestImage.h"
#include "registry/testing/RegistryHarness.h"

using namespace ballast;
using namespace ballast::analyzer;
namespace fs = std::filesystem;

namespace {
/// Sets an environment variable for its lifetime, then restores the old value.
class ScopedEnv {
public:
  ScopedEnv(const char *Name, const std::string &Value) : Name(Name) {
    if (const char *Old = getenv(Name))
      Saved = Old;
    setenv(Name, Value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (Saved)
      setenv(Name, Saved->c_str(), 1);
    else
      unsetenv(Name);
  }
  ScopedEnv(const ScopedEnv &) = delete;
  ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
  const char *Name;
  std::optional<std::string> Saved;
};

std::vector<std::string> messages(const Analysis &A) {
  std::vector<std::string> V;
  for (const Finding &F : A.Findings)
    V.push_back(F.RuleId + " " + F.Message);
  return V;
}
} // namespace

TEST(SourceTest, RegistryReferenceIsPulledIntoTheStoreThenAnalyzed) {
  fs::path Dir = registry::testing::makeTempDir("ballast-analyze-pull");
  struct Cleanup {
    fs::path D;
    ~Cleanup() { fs::remove_all(D); }
  } C{Dir};
  // The pull (and skopeo) must never see the credentials of whoever runs the tests.
  fs::create_directories(Dir / "docker");
  ScopedEnv Config("DOCKER_CONFIG", (Dir / "docker").string());
  testimage::Built B =
      testimage::build(testimage::scenario(), "", {"API_TOKEN=abc123", "PATH=/usr/bin"});
  testimage::writeLayout(B, Dir / "layout", "v1");
  auto Reg = registry::testing::RegistryServer::start(registry::testing::RegistrySetup::Plain);
  ASSERT_TRUE(bool(Reg)) << llvm::toString(Reg.takeError());
  std::string Out;
  ASSERT_EQ(registry::testing::shell(
                "skopeo copy -q --dest-tls-verify=false oci:" + (Dir / "layout").string() +
                    ":v1 docker://" + (*Reg)->host() + "/scenario:v1",
                &Out),
            0)
      << Out;

  auto Layout = openAnalysisImage("oci:" + (Dir / "layout").string() + ":v1", nullptr);
  ASSERT_TRUE(bool(Layout)) << llvm::toString(Layout.takeError());
  auto Want = analyzeImage(**Layout, {});
  ASSERT_TRUE(bool(Want)) << llvm::toString(Want.takeError());

  auto S = store::Store::open((Dir / "store").string());
  ASSERT_TRUE(bool(S)) << llvm::toString(S.takeError());
  std::string Name = (*Reg)->host() + "/scenario:v1";
  auto Img = openAnalysisImage(Name, S->get());
  ASSERT_TRUE(bool(Img)) << llvm::toString(Img.takeError()) << "\n" << (*Reg)->log();
  auto Got = analyzeImage(**Img, {});
  ASSERT_TRUE(bool(Got)) << llvm::toString(Got.takeError());
  EXPECT_EQ(Got->WastedBytes, 3120);
  EXPECT_EQ(Got->SizeBytes, Want->SizeBytes);
  EXPECT_EQ(Got->Dive.WastedBytes, Want->Dive.WastedBytes);
  EXPECT_DOUBLE_EQ(Got->Dive.Efficiency, Want->Dive.Efficiency);
  EXPECT_EQ(messages(*Got), messages(*Want));

  // Now the store holds it: a second open does not need the registry.
  Reg->reset();
  auto Again = openAnalysisImage(Name, S->get());
  ASSERT_TRUE(bool(Again)) << llvm::toString(Again.takeError());
  EXPECT_EQ((*Again)->digest(), (*Img)->digest());
}

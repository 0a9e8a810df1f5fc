//===- ConfigTest.cpp - finding a file's config, with and without listings -===//
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "rules/Config.h"
#include "support/ReadFiles.h"

using namespace ballast;
using namespace ballast::rules;
namespace fs = std::filesystem;

namespace {

/// A fresh folder tree: Root/{app,lib,plain}, where app has a .ballast.yaml, lib a
/// .hadolint.yml and plain none (so its files take the config of Root: a .hadolint.yaml).
class ConfigFinderTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string T = (fs::temp_directory_path() / "ballast-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(T.data()), nullptr);
    Root = T;
    for (const char *D : {"app", "lib", "plain", "none"})
      fs::create_directory(Root / D);
    std::ofstream(Root / "app" / ".ballast.yaml") << "ignored: [DL3008]\n";
    std::ofstream(Root / "lib" / ".hadolint.yml") << "ignored: [DL3009]\n";
    std::ofstream(Root / ".hadolint.yaml") << "ignored: [DL3015]\n";
    for (const char *D : {"app", "lib", "plain", "none"})
      std::ofstream(Root / D / "Dockerfile") << "FROM scratch\n";
  }
  void TearDown() override { fs::remove_all(Root); }
  std::string file(const char *D) { return (Root / D / "Dockerfile").string(); }
  fs::path Root;
};

/// Where each folder's config comes from, asked of Finder.
std::vector<std::string> sources(ConfigFinder &Finder, const std::vector<std::string> &Files) {
  std::vector<std::string> Out;
  for (const std::string &F : Files) {
    auto C = Finder.find(F);
    EXPECT_TRUE(static_cast<bool>(C)) << F;
    Out.push_back(C ? C->Path : llvm::toString(C.takeError()));
  }
  return Out;
}

TEST_F(ConfigFinderTest, ListingsFindWhatAccessFinds) {
  std::vector<std::string> Files = {file("app"), file("lib"), file("plain")};
  std::vector<std::string> Want = {(Root / "app" / ".ballast.yaml").string(),
                                   (Root / "lib" / ".hadolint.yml").string(),
                                   (Root / ".hadolint.yaml").string()};
  ConfigFinder Plain;
  EXPECT_EQ(sources(Plain, Files), Want);
  // The folders a run read its files from are listed; the parent (Root) is not.
  FolderDescriptors Folders;
  for (const char *D : {"app", "lib", "plain"})
    ASSERT_GE(Folders.get((Root / D).string()), 0);
  ConfigFinder Listed(&Folders);
  EXPECT_EQ(sources(Listed, Files), Want);
  EXPECT_EQ(Listed.find(file("app"))->Ignored.count("DL3008"), 1U);
  EXPECT_EQ(Listed.find(file("plain"))->Ignored.count("DL3015"), 1U);
}

TEST_F(ConfigFinderTest, NoConfigAnywhereGivesTheDefaults) {
  fs::remove(Root / ".hadolint.yaml");
  FolderDescriptors Folders;
  ASSERT_GE(Folders.get((Root / "none").string()), 0);
  ASSERT_GE(Folders.get(Root.string()), 0); // a listed parent answers too
  ConfigFinder Listed(&Folders);
  auto C = Listed.find(file("none"));
  ASSERT_TRUE(static_cast<bool>(C));
  EXPECT_EQ(C->Path, "");
  EXPECT_TRUE(C->Ignored.empty());
}

TEST_F(ConfigFinderTest, ALinkedConfigIsAskedOfTheFileSystem) {
  // The listing calls a link "other": a dangling one is no config (as access() says), one that
  // points at a file is.
  fs::create_symlink("nowhere.yaml", Root / "none" / ".ballast.yaml");
  fs::create_symlink("../app/.ballast.yaml", Root / "plain" / ".ballast.yaml");
  FolderDescriptors Folders;
  ASSERT_GE(Folders.get((Root / "none").string()), 0);
  ASSERT_GE(Folders.get((Root / "plain").string()), 0);
  ConfigFinder Listed(&Folders);
  EXPECT_EQ(Listed.find(file("none"))->Path, (Root / ".hadolint.yaml").string());
  EXPECT_EQ(Listed.find(file("plain"))->Path, (Root / "plain" / ".ballast.yaml").string());
  ConfigFinder Plain;
  EXPECT_EQ(Plain.find(file("none"))->Path, (Root / ".hadolint.yaml").string());
}

} // namespace

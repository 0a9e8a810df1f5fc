//===- PlatformTest.cpp - os/arch[/variant] -------------------------------===//
#include "oci/Platform.h"

#include <sys/utsname.h>

#include <gtest/gtest.h>

using namespace ballast::oci;

namespace {
std::string parsed(llvm::StringRef S) {
  auto P = Platform::parse(S);
  if (!P)
    return "error: " + llvm::toString(P.takeError());
  return P->str();
}
Platform plat(std::string OS, std::string Arch, std::string Variant = "") {
  Platform P;
  P.OS = std::move(OS);
  P.Architecture = std::move(Arch);
  P.Variant = std::move(Variant);
  return P;
}
} // namespace

TEST(PlatformTest, ParseNormalises) {
  EXPECT_EQ(parsed("linux/amd64"), "linux/amd64");
  EXPECT_EQ(parsed("amd64"), "linux/amd64");
  EXPECT_EQ(parsed("linux/x86_64"), "linux/amd64");
  EXPECT_EQ(parsed("linux/x86-64"), "linux/amd64");
  EXPECT_EQ(parsed("linux/amd64/v1"), "linux/amd64");
  EXPECT_EQ(parsed("linux/amd64/v3"), "linux/amd64/v3");
  EXPECT_EQ(parsed("linux/aarch64"), "linux/arm64");
  EXPECT_EQ(parsed("linux/arm64/v8"), "linux/arm64");
  EXPECT_EQ(parsed("linux/arm64/8"), "linux/arm64");
  EXPECT_EQ(parsed("linux/arm64/v9"), "linux/arm64/v9");
  EXPECT_EQ(parsed("linux/armhf"), "linux/arm/v7");
  EXPECT_EQ(parsed("linux/armel"), "linux/arm/v6");
  EXPECT_EQ(parsed("arm"), "linux/arm/v7");
  EXPECT_EQ(parsed("linux/arm/6"), "linux/arm/v6");
  EXPECT_EQ(parsed("linux/i386"), "linux/386");
  EXPECT_EQ(parsed("Linux/AMD64"), "linux/amd64");
  EXPECT_EQ(parsed("macos/arm64"), "darwin/arm64");
  EXPECT_EQ(parsed("linux/riscv64"), "linux/riscv64");
  // A bare OS keeps the host's architecture.
  auto W = Platform::parse("windows");
  ASSERT_TRUE(bool(W));
  EXPECT_EQ(W->OS, "windows");
  EXPECT_EQ(W->Architecture, Platform::host().Architecture);
}

TEST(PlatformTest, ParseErrors) {
  EXPECT_EQ(parsed(""), "error: invalid platform \"\": bad part \"\"; expected "
                        "os/arch[/variant], e.g. linux/arm64/v8");
  EXPECT_EQ(parsed("linux/"), "error: invalid platform \"linux/\": bad part \"\"; expected "
                              "os/arch[/variant], e.g. linux/arm64/v8");
  EXPECT_EQ(parsed("linux/amd 64"), "error: invalid platform \"linux/amd 64\": bad part \"amd "
                                    "64\"; expected os/arch[/variant], e.g. linux/arm64/v8");
  EXPECT_EQ(parsed("a/b/c/d"), "error: invalid platform \"a/b/c/d\": expected "
                               "os/arch[/variant], e.g. linux/amd64");
}

TEST(PlatformTest, Host) {
  struct utsname U;
  ASSERT_EQ(uname(&U), 0);
  std::string M = U.machine;
  Platform H = Platform::host();
  EXPECT_EQ(H.OS, "linux");
  if (M == "x86_64")
    EXPECT_EQ(H.str(), "linux/amd64");
  else if (M == "aarch64")
    EXPECT_EQ(H.str(), "linux/arm64");
  else
    EXPECT_FALSE(H.Architecture.empty());
}

TEST(PlatformTest, Matches) {
  Platform Amd = plat("linux", "amd64");
  EXPECT_TRUE(Amd.matches(plat("linux", "amd64")));
  EXPECT_TRUE(Amd.matches(plat("linux", "x86_64")));
  EXPECT_FALSE(Amd.matches(plat("linux", "arm64")));
  EXPECT_FALSE(Amd.matches(plat("windows", "amd64")));
  EXPECT_FALSE(Amd.matches(plat("linux", "amd64", "v3")));
  Platform Arm64 = plat("linux", "arm64");
  EXPECT_TRUE(Arm64.matches(plat("linux", "arm64", "v8")));
  EXPECT_TRUE(Arm64.matches(plat("linux", "aarch64")));
  EXPECT_FALSE(Arm64.matches(plat("linux", "arm", "v7")));
  Platform V7 = plat("linux", "arm", "v7");
  EXPECT_TRUE(V7.matches(plat("linux", "arm", "v7")));
  EXPECT_TRUE(V7.matches(plat("linux", "arm", "v6")));
  EXPECT_TRUE(V7.matches(plat("linux", "arm", "v5")));
  EXPECT_TRUE(V7.matches(plat("linux", "arm"))); // no variant means v7
  EXPECT_FALSE(V7.matches(plat("linux", "arm", "v8")));
  Platform V6 = plat("linux", "arm", "v6");
  EXPECT_FALSE(V6.matches(plat("linux", "arm", "v7")));
  EXPECT_FALSE(V6.matches(plat("linux", "arm")));
}

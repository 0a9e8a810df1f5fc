//===- DynamicLibraryTest.cpp - Loading a library's functions with dlopen -===//
#include "support/DynamicLibrary.h"

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace ballast;
using ::testing::EndsWith;
using ::testing::StartsWith;

TEST(DynamicLibraryTest, ResolvesEveryFunction) {
  DynamicLibrary Lib({"libc", "libc.so.6", "2.36", "libc6"});
  decltype(&::strlen) Strlen = nullptr;
  Lib.get(Strlen, "strlen");
  EXPECT_EQ(Lib.finish(), "");
  ASSERT_NE(Strlen, nullptr);
  EXPECT_EQ(Strlen("ballast"), 7u);
}

TEST(DynamicLibraryTest, AMissingLibraryNamesItsPackage) {
  DynamicLibrary Lib({"libnope", "libnope.so.9", "1.0", "libnope9"});
  void (*Fn)() = +[] {}; // get() must reset it
  Lib.get(Fn, "nope_init");
  EXPECT_EQ(Fn, nullptr);
  std::string Error = Lib.finish();
  EXPECT_THAT(Error, StartsWith("cannot load libnope (libnope.so.9: "));
  EXPECT_THAT(Error, EndsWith("); install it (Debian: apt-get install libnope9)"));
}

TEST(DynamicLibraryTest, AMissingFunctionNamesTheVersionNeeded) {
  DynamicLibrary Lib({"libc", "libc.so.6", "2.36", "libc6"});
  decltype(&::strlen) Strlen = nullptr, Nope = nullptr, AlsoNope = nullptr;
  Lib.get(Strlen, "strlen");
  Lib.get(Nope, "ballast_no_such_function");
  Lib.get(AlsoNope, "ballast_no_such_function_either");
  EXPECT_NE(Strlen, nullptr);
  EXPECT_EQ(Nope, nullptr);
  // The first failure is the one reported.
  EXPECT_EQ(Lib.finish(), "libc.so.6 has no ballast_no_such_function; install libc 2.36 or newer "
                          "(Debian: apt-get install libc6)");
}

//===- ReferenceTest.cpp - Docker image references ------------------------===//
//
// Vectors ported from github.com/distribution/reference (reference_test.go TestReferenceParse,
// normalize_test.go TestValidateReferenceName, TestValidateRemoteName, TestParseRepositoryInfo,
// TestNormalizedSplitHostname, TestParseReferenceWithTagAndDigest).
//
//===----------------------------------------------------------------------===//
#include "oci/Reference.h"

#include <gtest/gtest.h>

using namespace ballast::oci;

namespace {
std::string errorOf(llvm::StringRef S) {
  auto R = Reference::parse(S);
  if (R)
    return "no error: " + R->str();
  return llvm::toString(R.takeError());
}
Reference ok(llvm::StringRef S, bool DefaultTag = true) {
  auto R = Reference::parse(S, DefaultTag);
  if (!R) {
    ADD_FAILURE() << S.str() << ": " << llvm::toString(R.takeError());
    return *Reference::parse("invalid-placeholder");
  }
  return *R;
}
const std::string Sha = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
} // namespace

TEST(ReferenceTest, FamiliarNamesNormalise) {
  Reference R = ok("nginx");
  EXPECT_EQ(R.domain(), "docker.io");
  EXPECT_EQ(R.path(), "library/nginx");
  EXPECT_EQ(R.tag(), "latest");
  EXPECT_FALSE(R.digest());
  EXPECT_EQ(R.str(), "docker.io/library/nginx:latest");
  EXPECT_EQ(R.familiar(), "nginx:latest");
  EXPECT_EQ(R.familiarName(), "nginx");
  EXPECT_EQ(R.repository(), "docker.io/library/nginx");
  EXPECT_EQ(R.registryHost(), "registry-1.docker.io");
  EXPECT_EQ(R.identifier(), "latest");

  Reference U = ok("user/app:1.0");
  EXPECT_EQ(U.str(), "docker.io/user/app:1.0");
  EXPECT_EQ(U.familiar(), "user/app:1.0");

  Reference H = ok("host:5000/a/b:tag");
  EXPECT_EQ(H.domain(), "host:5000");
  EXPECT_EQ(H.path(), "a/b");
  EXPECT_EQ(H.tag(), "tag");
  EXPECT_EQ(H.familiar(), "host:5000/a/b:tag");
  EXPECT_EQ(H.registryHost(), "host:5000");
}

TEST(ReferenceTest, NoDefaultTag) {
  Reference R = ok("nginx", /*DefaultTag=*/false);
  EXPECT_EQ(R.tag(), "");
  EXPECT_EQ(R.str(), "docker.io/library/nginx");
  EXPECT_EQ(R.familiar(), "nginx");
}

TEST(ReferenceTest, Digests) {
  Reference D = ok("name@" + Sha);
  EXPECT_EQ(D.tag(), "");
  ASSERT_TRUE(D.digest());
  EXPECT_EQ(D.digest()->str(), Sha);
  EXPECT_EQ(D.str(), "docker.io/library/name@" + Sha);
  EXPECT_EQ(D.identifier(), Sha);

  Reference TD = ok("name:tag@" + Sha);
  EXPECT_EQ(TD.tag(), "tag");
  EXPECT_EQ(TD.str(), "docker.io/library/name:tag@" + Sha);
  EXPECT_EQ(TD.familiar(), "name:tag@" + Sha);
  EXPECT_EQ(TD.identifier(), Sha);

  // TestParseReferenceWithTagAndDigest.
  std::string Short = "busybox:latest@sha256:"
                      "86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
  Reference B = ok(Short);
  EXPECT_EQ(B.str(), "docker.io/library/" + Short);
  EXPECT_EQ(B.familiar(), Short);
}

TEST(ReferenceTest, LocalhostAndIpDomains) {
  EXPECT_EQ(ok("localhost/x").str(), "localhost/x:latest");
  EXPECT_EQ(ok("localhost/x").domain(), "localhost");
  EXPECT_EQ(ok("localhost:5000/x").domain(), "localhost:5000");
  EXPECT_EQ(ok("127.0.0.1:5000/x").domain(), "127.0.0.1:5000");
  EXPECT_EQ(ok("127.0.0.1:5000/x").familiar(), "127.0.0.1:5000/x:latest");
  Reference V6 = ok("[::1]:5000/x");
  EXPECT_EQ(V6.domain(), "[::1]:5000");
  EXPECT_EQ(V6.path(), "x");
  EXPECT_EQ(V6.registryHost(), "[::1]:5000");
  // A single component is always a Docker Hub name, even "localhost" (normalize.go's fast path).
  EXPECT_EQ(ok("localhost").str(), "docker.io/library/localhost:latest");
  EXPECT_EQ(ok("localhost:5000").str(), "docker.io/library/localhost:5000");
}

TEST(ReferenceTest, DockerIoFormsNormaliseBack) {
  for (const char *S : {"docker.io/library/debian", "docker.io/debian", "index.docker.io/debian",
                        "index.docker.io/library/debian", "library/debian", "debian"}) {
    Reference R = ok(S);
    EXPECT_EQ(R.str(), "docker.io/library/debian:latest") << S;
    EXPECT_EQ(R.familiar(), "debian:latest") << S;
  }
  EXPECT_EQ(ok("docker.io/library/foo/bar").familiarName(), "library/foo/bar");
  EXPECT_EQ(ok("index.docker.io/fooo/bar").familiarName(), "fooo/bar");
  // A Docker Hub namespace that looks like a host keeps its domain in the short form, so that it
  // reads back as the same reference (found by ReferenceFuzzer).
  EXPECT_EQ(ok("docker.io/a.b/c").familiar(), "docker.io/a.b/c:latest");
  EXPECT_EQ(ok("index.docker.io/debiandex.docker.io/debian").familiarName(),
            "docker.io/debiandex.docker.io/debian");
  EXPECT_EQ(ok("docker.io/localhost/x").familiarName(), "docker.io/localhost/x");
  EXPECT_EQ(ok(ok("docker.io/a.b/c").familiar()).str(), "docker.io/a.b/c:latest");
}

TEST(ReferenceTest, WithTagAndDigest) {
  Reference R = ok("name:tag@" + Sha);
  EXPECT_EQ(R.withTag("v2").str(), "docker.io/library/name:v2");
  Digest D = Digest::sha256Of("x");
  EXPECT_EQ(ok("a/b:1").withDigest(D).str(), "docker.io/a/b:1@" + D.str());
  EXPECT_TRUE(ok("nginx") == ok("docker.io/library/nginx:latest"));
  EXPECT_FALSE(ok("nginx") == ok("nginx:1"));
}

TEST(ReferenceTest, ValidTag) {
  EXPECT_TRUE(Reference::validTag("latest"));
  EXPECT_TRUE(Reference::validTag("_x.Y-1"));
  EXPECT_TRUE(Reference::validTag(std::string(128, 'a')));
  EXPECT_FALSE(Reference::validTag(std::string(129, 'a')));
  EXPECT_FALSE(Reference::validTag(""));
  EXPECT_FALSE(Reference::validTag("-foo"));
  EXPECT_FALSE(Reference::validTag(".foo"));
  EXPECT_FALSE(Reference::validTag("a+b"));
}

// TestReferenceParse, through ParseNormalizedNamed + TagNameOnly: (input, domain, path, tag,
// digest) for the valid ones.
TEST(ReferenceTest, IsQualifiedWantsADomainAndTheGrammar) {
  llvm::StringRef Name;
  EXPECT_TRUE(Reference::isQualified("docker.io/library/nginx", &Name));
  EXPECT_EQ(Name, "docker.io/library/nginx");
  std::string Pinned = "host:5000/a/b:v1.2@sha256:" + std::string(64, 'a');
  EXPECT_TRUE(Reference::isQualified(Pinned, &Name));
  EXPECT_EQ(Name, "host:5000/a/b");
  EXPECT_TRUE(Reference::isQualified("[::1]:5000/x_y__z/a-b--c:latest"));
  EXPECT_TRUE(Reference::isQualified("Foo/bar")); // a domain may have upper case, a path not
  EXPECT_TRUE(Reference::isQualified("localhost/x@md5:" + std::string(32, 'f')));
  EXPECT_FALSE(Reference::isQualified("nginx"));                  // no domain
  EXPECT_FALSE(Reference::isQualified("foo_bar.com/x"));          // '_' is no domain character
  EXPECT_FALSE(Reference::isQualified("docker.io/Nginx"));        // upper-case path
  EXPECT_FALSE(Reference::isQualified("docker.io/a//b"));         // empty component
  EXPECT_FALSE(Reference::isQualified("docker.io/a:"));           // empty tag
  EXPECT_FALSE(Reference::isQualified("docker.io/a:-x"));         // tag starting with '-'
  EXPECT_FALSE(Reference::isQualified("docker.io/a@sha256:abc")); // digest too short
  EXPECT_FALSE(Reference::isQualified("docker.io/a."));           // separator at the end
  EXPECT_FALSE(Reference::isQualified("-a.com/x")); // domain component starts with '-'
  EXPECT_FALSE(Reference::isQualified("host:/x"));  // empty port
  EXPECT_FALSE(Reference::isQualified("docker.io/a:" + std::string(129, 't')));
}

TEST(ReferenceTest, DistributionParseVectors) {
  struct Case {
    std::string In, Domain, Path, Tag, Dig;
  };
  // 255 characters with "docker.io/" (the limit counts the normalised name).
  std::string Max = "a";
  for (int I = 0; I < 122; ++I)
    Max += "/a";
  std::vector<Case> Cases = {
      {"test_com", "docker.io", "library/test_com", "latest", ""},
      {"test.com:tag", "docker.io", "library/test.com", "tag", ""},
      {"test.com:5000", "docker.io", "library/test.com", "5000", ""},
      {"test.com/repo:tag", "test.com", "repo", "tag", ""},
      {"test:5000/repo", "test:5000", "repo", "latest", ""},
      {"test:5000/repo:tag", "test:5000", "repo", "tag", ""},
      {"test:5000/repo@" + Sha, "test:5000", "repo", "", Sha},
      {"test:5000/repo:tag@" + Sha, "test:5000", "repo", "tag", Sha},
      {"lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", ""},
      {Max + ":tag-puts-this-over-max", "docker.io", Max, "tag-puts-this-over-max", ""},
      {"sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "bar/baz/quux", "latest", ""},
      {"sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux",
       "some-long-tag", ""},
      {"b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io", "test.example.com/my-app",
       "test.example.com", ""},
      {"xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "myimage", "xn--n3h.com", ""},
      {"xn--7o8h.com/myimage:xn--7o8h.com@sha512:" + std::string(128, 'f'), "xn--7o8h.com",
       "myimage", "xn--7o8h.com", "sha512:" + std::string(128, 'f')},
      {"foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", ""},
      {"foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com", "8080", ""},
      {"192.168.1.1", "docker.io", "library/192.168.1.1", "latest", ""},
      {"192.168.1.1:tag", "docker.io", "library/192.168.1.1", "tag", ""},
      {"192.168.1.1:5000", "docker.io", "library/192.168.1.1", "5000", ""},
      {"192.168.1.1/repo", "192.168.1.1", "repo", "latest", ""},
      {"192.168.1.1:5000/repo", "192.168.1.1:5000", "repo", "latest", ""},
      {"192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", ""},
      {"[2001:db8::1]/repo", "[2001:db8::1]", "repo", "latest", ""},
      {"[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]", "repo", "tag", ""},
      {"[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "repo", "latest", ""},
      {"[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", ""},
      {"[2001:db8::1]:5000/repo@" + Sha, "[2001:db8::1]:5000", "repo", "", Sha},
      {"[2001:db8::1]:5000/repo:tag@" + Sha, "[2001:db8::1]:5000", "repo", "tag", Sha},
      {"[2001:db8::]:5000/repo", "[2001:db8::]:5000", "repo", "latest", ""},
      {"[::1]:5000/repo", "[::1]:5000", "repo", "latest", ""},
      // TestNormalizedSplitHostname.
      {"test_com/foo", "docker.io", "test_com/foo", "latest", ""},
      {"docker/migrator", "docker.io", "docker/migrator", "latest", ""},
      {"test-com:8080/foo", "test-com:8080", "foo", "latest", ""},
      {"xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", "latest", ""},
      // TestParseRepositoryInfo: an upper-case first component is taken as a domain.
      {"Foo/bar", "Foo", "bar", "latest", ""},
      {"FOO/bar", "FOO", "bar", "latest", ""},
      {"127.0.0.1:8000/private/moonbase", "127.0.0.1:8000", "private/moonbase", "latest", ""},
      {"example.com:8000/privatebasee", "example.com:8000", "privatebasee", "latest", ""},
      {"ubuntu-12.04-base", "docker.io", "library/ubuntu-12.04-base", "latest", ""},
      {"store/foo/bar", "docker.io", "store/foo/bar", "latest", ""},
  };
  for (const Case &C : Cases) {
    auto R = Reference::parse(C.In);
    ASSERT_TRUE(bool(R)) << C.In << ": " << llvm::toString(R.takeError());
    EXPECT_EQ(R->domain(), C.Domain) << C.In;
    EXPECT_EQ(R->path(), C.Path) << C.In;
    EXPECT_EQ(R->tag(), C.Tag) << C.In;
    EXPECT_EQ(R->digest() ? R->digest()->str() : "", C.Dig) << C.In;
  }
}

TEST(ReferenceTest, DistributionValidNames) {
  for (const char *S :
       {"docker/docker",
        "library/debian",
        "debian",
        "docker.io/docker/docker",
        "docker.io/library/debian",
        "docker.io/debian",
        "index.docker.io/docker/docker",
        "index.docker.io/library/debian",
        "index.docker.io/debian",
        "127.0.0.1:5000/docker/docker",
        "127.0.0.1:5000/library/debian",
        "127.0.0.1:5000/debian",
        "192.168.0.1",
        "192.168.0.1:80",
        "192.168.0.1:8/debian",
        "192.168.0.2:25000/debian",
        "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
        "[fc00::1]:5000/docker",
        "[fc00::1]:5000/docker/docker",
        "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
        "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        "Docker/docker",
        "DOCKER/docker",
        "docker-rules/docker",
        "docker---rules/docker",
        "doc/docker",
        "d/docker",
        "jess/t",
        "dock__er/docker"}) {
    auto R = Reference::parse(S);
    EXPECT_TRUE(bool(R)) << S << ": " << (R ? "" : llvm::toString(R.takeError()));
  }
}

TEST(ReferenceTest, DistributionInvalidNames) {
  std::string Long = "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255";
  Long = Long + "_" + Long + "_" + Long + "_" + Long + "/docker";
  for (const std::string &S :
       {std::string("https://github.com/docker/docker"),
        std::string("docker/Docker"),
        std::string("-docker"),
        std::string("-docker/docker"),
        std::string("-docker.io/docker/docker"),
        std::string("docker///docker"),
        std::string("docker.io/docker/Docker"),
        std::string("docker.io/docker///docker"),
        std::string("[fc00::1]"),
        std::string("[fc00::1]:5000"),
        std::string("fc00::1:5000/debian"),
        std::string("[fe80::1%eth0]:5000/debian"),
        std::string("[2001:db8:3:4::192.0.2.33]:5000/debian"),
        std::string("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"),
        std::string("docker-/docker"),
        std::string("-docker-/docker"),
        std::string("____/____"),
        std::string("_docker/_docker"),
        std::string("dock..er/docker"),
        std::string("dock_.er/docker"),
        std::string("dock-.er/docker"),
        std::string("docker/"),
        Long,
        std::string(""),
        std::string(":justtag"),
        std::string("@" + Sha),
        std::string("repo@sha256:ffffffffffffffffffffffffffffffffff"),
        std::string("validname@invaliddigest:" + std::string(64, 'f')),
        std::string("Uppercase:tag"),
        std::string("test:5000/Uppercase/lowercase:tag"),
        std::string("aa/asdf$$^/aa"),
        std::string("[2001:db8::1]"),
        std::string("[2001:db8::1]:5000"),
        std::string("[2001:db8::1]:tag"),
        std::string("[fe80::1%@invalidzone]:5000/repo")}) {
    auto R = Reference::parse(S);
    EXPECT_FALSE(bool(R)) << S << " parsed as " << (R ? R->str() : "");
    if (!R)
      llvm::consumeError(R.takeError());
  }
}

TEST(ReferenceTest, ErrorMessagesNameTheBadPart) {
  EXPECT_EQ(errorOf("docker/Docker"),
            "invalid reference \"docker/Docker\": repository name must be lowercase");
  EXPECT_EQ(errorOf("Uppercase:tag"),
            "invalid reference \"Uppercase:tag\": repository name must be lowercase");
  EXPECT_EQ(errorOf(""),
            "invalid reference \"\": repository name must have at least one component");
  EXPECT_EQ(errorOf("nginx:-bad"),
            "invalid reference \"nginx:-bad\": invalid tag \"-bad\"; a tag has letters, digits, "
            "'_', '.' and '-' and does not start with '.' or '-'");
  EXPECT_EQ(errorOf("nginx:" + std::string(129, 'a')),
            "invalid reference \"nginx:" + std::string(129, 'a') +
                "\": tag is longer than 128 characters");
  EXPECT_EQ(errorOf("nginx:"),
            "invalid reference \"nginx:\": empty tag after \":\"; give a tag or drop the \":\"");
  EXPECT_EQ(errorOf("nginx@sha256:abc"),
            "invalid reference \"nginx@sha256:abc\": invalid digest \"sha256:abc\"; expected "
            "algorithm:hex, e.g. sha256:<64 hex>");
  EXPECT_EQ(errorOf("nginx@sha256:" + std::string(40, 'a')),
            "invalid reference \"nginx@sha256:" + std::string(40, 'a') +
                "\": invalid digest \"sha256:" + std::string(40, 'a') +
                "\": sha256 needs 64 lower-case hex characters");
  EXPECT_EQ(errorOf("foo_bar.com/x"),
            "invalid reference \"foo_bar.com/x\": invalid domain \"foo_bar.com\"; use a host "
            "name, an IPv4 address or an [IPv6] address, with an optional :port");
  EXPECT_EQ(errorOf("dodock__ero-c.k-xn-docker/l-ez.r"),
            "invalid reference \"dodock__ero-c.k-xn-docker/l-ez.r\": invalid domain "
            "\"dodock__ero-c.k-xn-docker\"; use a host name, an IPv4 address or an [IPv6] "
            "address, with an optional :port");
  EXPECT_EQ(errorOf("a//b"), "invalid reference \"a//b\": repository name has an empty component");
  EXPECT_EQ(errorOf("docker/"),
            "invalid reference \"docker/\": repository name has an empty component");
  EXPECT_EQ(errorOf("dock..er/docker"),
            "invalid reference \"dock..er/docker\": invalid repository name component "
            "\"dock..er\"; use lower-case letters and digits separated by '.', '_', '__' or '-'");
  std::string Id = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";
  EXPECT_EQ(errorOf(Id), "invalid reference \"" + Id +
                             "\": a 64-character hexadecimal string is an image ID, not a "
                             "repository name");
  std::string TooLong = "a";
  for (int I = 0; I < 127; ++I)
    TooLong += "/a";
  EXPECT_EQ(errorOf(TooLong + ":tag"),
            "invalid reference \"" + TooLong +
                ":tag\": repository name must not be more than 255 characters");
}

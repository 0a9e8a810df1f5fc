//===- ClientTest.cpp - The registry client against a real docker-registry -===//
#include "registry/Client.h"

#include <fcntl.h>
#include <random>
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oci/MediaTypes.h"
#include "registry/testing/RegistryHarness.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace ballast;
using namespace ballast::registry;
using namespace ballast::registry::testing;
using ::testing::HasSubstr;

namespace {

std::string randomBytes(size_t N, unsigned Seed) {
  std::mt19937_64 R(Seed);
  std::string S(N, '\0');
  for (size_t I = 0; I < N; I += 8) {
    uint64_t V = R();
    memcpy(&S[I], &V, std::min<size_t>(8, N - I));
  }
  return S;
}

oci::Descriptor descOf(const std::string &Bytes, const char *Type = oci::media::OciLayerGzip) {
  oci::Descriptor D;
  D.MediaType = Type;
  D.Dig = oci::Digest::sha256Of(Bytes);
  D.Size = Bytes.size();
  return D;
}

std::string slurpFile(const std::string &P) {
  auto B = llvm::MemoryBuffer::getFile(P);
  return B ? (*B)->getBuffer().str() : std::string("<missing>");
}

std::string errorText(llvm::Error E) { return llvm::toString(std::move(E)); }

BlobOpener opener(const std::string &Bytes) {
  return [Bytes]() -> llvm::Expected<std::unique_ptr<Reader>> { return stringReader(Bytes); };
}

/// A registry (and optionally a fault proxy in front of it) plus a client and a scratch dir.
class ClientTest : public ::testing::Test {
protected:
  void TearDown() override {
    if (!Dir.empty())
      llvm::sys::fs::remove_directories(Dir);
  }
  void startRegistry(RegistrySetup S) {
    auto R = RegistryServer::start(S);
    ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
    Reg = std::move(*R);
    Dir = makeTempDir("ballast-client-test");
  }
  void startProxy() {
    auto P = FaultProxy::start(Reg->host());
    ASSERT_TRUE(bool(P)) << llvm::toString(P.takeError());
    Proxy = std::move(*P);
  }
  std::unique_ptr<Client> client(ClientOptions O = {}, bool ViaProxy = false) {
    O.BackoffMs = 10;
    O.MaxBackoffMs = 50;
    O.DockerConfigDir = Dir + "/docker"; // never the user's real credentials
    auto C = Client::create(ViaProxy ? Proxy->host() : Reg->host(), O);
    EXPECT_TRUE(bool(C));
    return std::move(*C);
  }
  /// Pushes Bytes as a blob of Repo and returns its descriptor.
  oci::Descriptor push(Client &C, const std::string &Repo, const std::string &Bytes) {
    oci::Descriptor D = descOf(Bytes);
    auto Out = C.uploadBlob(Repo, D, opener(Bytes), {});
    EXPECT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
    return D;
  }
  std::string manifestFor(const oci::Descriptor &Config, const oci::Descriptor &Layer) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
           Config.Dig.str() + R"(","size":)" + std::to_string(Config.Size) +
           R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
           Layer.Dig.str() + R"(","size":)" + std::to_string(Layer.Size) + "}]}";
  }
  std::unique_ptr<RegistryServer> Reg;
  std::unique_ptr<FaultProxy> Proxy;
  std::string Dir;
};

} // namespace

TEST(AuthParsing, ChallengesWithQuotedParametersAndSeveralSchemes) {
  auto Cs = parseChallenges(
      R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",)"
      R"(scope="repository:a/b:pull,push", Basic realm="x \"y\"")");
  ASSERT_EQ(Cs.size(), 2u);
  EXPECT_EQ(Cs[0].Scheme, "bearer");
  EXPECT_EQ(Cs[0].Params["realm"], "https://auth.example.com/token");
  EXPECT_EQ(Cs[0].Params["service"], "registry.example.com");
  EXPECT_EQ(Cs[0].Params["scope"], "repository:a/b:pull,push");
  EXPECT_EQ(Cs[1].Scheme, "basic");
  EXPECT_EQ(Cs[1].Params["realm"], "x \"y\"");
}

TEST(AuthParsing, TokenResponsesTakeTokenOrAccessToken) {
  auto Now = std::chrono::steady_clock::now();
  auto T = parseTokenResponse(R"({"access_token":"abc","expires_in":300})", Now);
  ASSERT_TRUE(bool(T));
  EXPECT_EQ(T->Value, "abc");
  EXPECT_EQ(T->Expires - Now, std::chrono::seconds(290));
  auto U = parseTokenResponse(R"({"token":"xyz"})", Now);
  ASSERT_TRUE(bool(U));
  EXPECT_EQ(U->Value, "xyz");
  EXPECT_EQ(U->Expires - Now, std::chrono::seconds(60));
  EXPECT_EQ(errorText(parseTokenResponse(R"({"expires_in":3})", Now).takeError()),
            "token server answered without a token or access_token field");
}

TEST(AuthParsing, UrlHelpers) {
  EXPECT_EQ(urlAuthority("https://Registry.example.com:443/v2/"), "registry.example.com");
  EXPECT_EQ(urlAuthority("http://127.0.0.1:5000/v2/x?y"), "127.0.0.1:5000");
  EXPECT_EQ(resolveUrl("http://a:1/v2/x/blobs/uploads/", "/v2/x/blobs/uploads/u?_state=s"),
            "http://a:1/v2/x/blobs/uploads/u?_state=s");
  EXPECT_EQ(resolveUrl("http://a:1/v2/x", "https://b/c"), "https://b/c");
  std::string D;
  ASSERT_TRUE(base64Decode(base64Encode("user:pa:ss"), D));
  EXPECT_EQ(D, "user:pa:ss");
  EXPECT_TRUE(isLocalHost("localhost:5000"));
  EXPECT_TRUE(isLocalHost("127.0.0.1"));
  EXPECT_TRUE(isLocalHost("[::1]:5000"));
  EXPECT_FALSE(isLocalHost("registry.example.com"));
}

TEST_F(ClientTest, PushesAndPullsBlobsAndManifestsOverPlainHttp) {
  startRegistry(RegistrySetup::Plain);
  auto C = client();
  std::string Config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  oci::Descriptor CD = push(*C, "test/app", Config);
  // Larger than the chunk size: PATCH chunks and a closing PUT.
  ClientOptions Small;
  Small.ChunkSize = size_t{64} * 1024;
  auto Chunky = client(Small);
  std::string Layer = randomBytes(300 * 1024 + 17, 1);
  oci::Descriptor LD = descOf(Layer);
  auto Out = Chunky->uploadBlob("test/app", LD, opener(Layer), {});
  ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
  EXPECT_EQ(*Out, UploadOutcome::Uploaded);
  EXPECT_TRUE(*C->hasBlob("test/app", LD.Dig));
  EXPECT_FALSE(*C->hasBlob("test/app", oci::Digest::sha256Of("nope")));

  std::string M = manifestFor(CD, LD);
  auto Put = C->putManifest("test/app", "v1", M, oci::media::OciManifest);
  ASSERT_TRUE(bool(Put)) << llvm::toString(Put.takeError());
  EXPECT_EQ(*Put, oci::Digest::sha256Of(M));
  auto Got = C->getManifest("test/app", "v1");
  ASSERT_TRUE(bool(Got)) << llvm::toString(Got.takeError());
  EXPECT_EQ(Got->Raw, M);
  EXPECT_EQ(Got->MediaType, oci::media::OciManifest);
  auto Head = C->headManifest("test/app", "v1");
  ASSERT_TRUE(Head && *Head);
  EXPECT_EQ((*Head)->Dig, oci::Digest::sha256Of(M));
  EXPECT_EQ((*Head)->Size, int64_t(M.size()));
  auto Missing = C->headManifest("test/app", "v2");
  ASSERT_TRUE(bool(Missing));
  EXPECT_FALSE(Missing->has_value());
  EXPECT_THAT(errorText(C->getManifest("test/app", "v2").takeError()),
              HasSubstr("/test/app:v2: MANIFEST_UNKNOWN: manifest unknown (HTTP 404)"));

  std::string Path = Dir + "/layer";
  ASSERT_FALSE(bool(C->downloadBlob("test/app", LD, Path)));
  EXPECT_EQ(slurpFile(Path), Layer);
  auto Cfg = C->fetchBlob("test/app", CD);
  ASSERT_TRUE(bool(Cfg));
  EXPECT_EQ(*Cfg, Config);
  auto Tags = C->listTags("test/app");
  ASSERT_TRUE(bool(Tags));
  EXPECT_EQ(*Tags, std::vector<std::string>{"v1"});
  EXPECT_EQ(C->baseUrl(), "http://" + Reg->host());
}

TEST_F(ClientTest, MountsFromAnotherRepositoryBeforeUploading) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  auto C = client({}, true);
  std::string Layer = randomBytes(4096, 2);
  oci::Descriptor D = push(*C, "team/base", Layer);
  Proxy->clearSeen();
  auto Out = C->uploadBlob("team/app", D, opener(Layer), {"team/base"});
  ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
  EXPECT_EQ(*Out, UploadOutcome::Mounted);
  auto Seen = Proxy->seen();
  ASSERT_EQ(Seen.size(), 1u);
  EXPECT_EQ(Seen[0].Method, "POST");
  EXPECT_EQ(Seen[0].Path, "/v2/team/app/blobs/uploads/?mount=" + std::string("sha256%3A") +
                              D.Dig.hex() + "&from=team%2Fbase");
  EXPECT_TRUE(*C->hasBlob("team/app", D.Dig));
}

TEST_F(ClientTest, SendsTheFullAcceptList) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  auto C = client({}, true);
  (void)C->headManifest("x/y", "latest");
  auto Seen = Proxy->seen();
  ASSERT_FALSE(Seen.empty());
  EXPECT_EQ(Seen.back().Headers["accept"], oci::media::AcceptManifests);
}

TEST_F(ClientTest, ResumesADroppedBlobWithRange) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  auto C = client({}, true);
  std::string Layer = randomBytes(1 << 20, 3);
  oci::Descriptor D = push(*C, "r/blob", Layer);
  Proxy->add({Fault::DropAfter, "GET", "/blobs/", 1, 0, 300000});
  Proxy->clearSeen();
  std::string Path = Dir + "/blob";
  llvm::Error E = C->downloadBlob("r/blob", D, Path);
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_EQ(slurpFile(Path), Layer);
  auto Seen = Proxy->seen();
  ASSERT_EQ(Seen.size(), 2u);
  EXPECT_EQ(Seen[0].Headers.count("range"), 0u);
  // The reset may discard some of what was sent: the client asks for what it does not have.
  llvm::StringRef Range = Seen[1].Headers["range"];
  int64_t From = 0;
  ASSERT_TRUE(Range.consume_front("bytes=") && Range.consume_back("-")) << Range.str();
  ASSERT_FALSE(Range.getAsInteger(10, From));
  EXPECT_GT(From, 0);
  EXPECT_LE(From, 300000);
  EXPECT_EQ(C->stats().Resumes, 1u);
}

TEST_F(ClientTest, ResumesATruncatedBodyAndAnInterruptedFile) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  auto C = client({}, true);
  std::string Layer = randomBytes(700000, 4);
  oci::Descriptor D = push(*C, "r/blob", Layer);
  // What an earlier, killed process left behind.
  std::string Path = Dir + "/blob";
  {
    FILE *F = fopen(Path.c_str(), "w");
    fwrite(Layer.data(), 1, 1000, F);
    fclose(F);
  }
  Proxy->add({Fault::Truncate, "GET", "/blobs/", 1, 0, 5000});
  Proxy->clearSeen();
  llvm::Error E = C->downloadBlob("r/blob", D, Path);
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_EQ(slurpFile(Path), Layer);
  auto Seen = Proxy->seen();
  ASSERT_EQ(Seen.size(), 2u);
  EXPECT_EQ(Seen[0].Headers["range"], "bytes=1000-");
  EXPECT_EQ(Seen[1].Headers["range"], "bytes=6000-");
}

TEST_F(ClientTest, AppendsOnlyToA206Answer) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  auto C = client({}, true);
  std::string Layer = randomBytes(500000, 5);
  oci::Descriptor D = push(*C, "r/blob", Layer);
  Proxy->add({Fault::DropAfter, "GET", "/blobs/", 1, 0, 100000});
  Proxy->add({Fault::IgnoreRange, "GET", "/blobs/", 1});
  std::string Path = Dir + "/blob";
  llvm::Error E = C->downloadBlob("r/blob", D, Path);
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_EQ(slurpFile(Path), Layer);
}

TEST_F(ClientTest, RetriesServerErrorsAndTooManyRequests) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  auto C = client({}, true);
  std::string Layer = randomBytes(1000, 6);
  oci::Descriptor D = push(*C, "r/x", Layer);
  Proxy->add({Fault::Status, "GET", "/blobs/", 2, 500});
  Fault TooMany{Fault::Status, "GET", "/blobs/", 1, 429};
  TooMany.RetryAfter = "0";
  Proxy->add(TooMany);
  unsigned Before = C->stats().Retries;
  auto B = C->fetchBlob("r/x", D);
  ASSERT_TRUE(bool(B)) << llvm::toString(B.takeError());
  EXPECT_EQ(*B, Layer);
  EXPECT_EQ(C->stats().Retries - Before, 3u);
  // A registry that keeps failing: the error carries its code and message.
  Proxy->add({Fault::Status, "GET", "/manifests/", -1, 503});
  EXPECT_THAT(errorText(C->getManifest("r/x", "latest").takeError()),
              HasSubstr("/r/x:latest: INJECTED: injected failure 503 (HTTP 503)"));
}

TEST_F(ClientTest, RejectsABlobWhoseBytesDoNotMatchItsDigest) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  auto C = client({}, true);
  std::string Layer = randomBytes(200000, 7);
  oci::Descriptor D = push(*C, "r/x", Layer);
  // Once: the retry from scratch gets good bytes.
  Proxy->add({Fault::Corrupt, "GET", "/blobs/", 1, 0, 12345});
  std::string Path = Dir + "/blob";
  llvm::Error E = C->downloadBlob("r/x", D, Path);
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_EQ(slurpFile(Path), Layer);
  // Always: a clear error, and nothing left on disk.
  Proxy->add({Fault::Corrupt, "GET", "/blobs/", -1, 0, 12345});
  std::string Path2 = Dir + "/blob2";
  std::string Msg = errorText(C->downloadBlob("r/x", D, Path2));
  EXPECT_THAT(
      Msg, HasSubstr("blob " + D.Dig.str() + " from " + Proxy->host() + "/r/x has digest sha256:"));
  EXPECT_THAT(Msg, HasSubstr("the registry serves corrupt data, the download was discarded"));
  EXPECT_FALSE(llvm::sys::fs::exists(Path2));
}

/// The calls the proxy saw, as "METHOD Content-Range".
static std::vector<std::string> calls(FaultProxy &P) {
  std::vector<std::string> Calls;
  for (auto &S : P.seen())
    Calls.push_back(
        S.Method + " " +
        (S.Headers.count("content-range") ? S.Headers["content-range"] : std::string("-")));
  return Calls;
}

TEST_F(ClientTest, RecoversTheOffsetAfterAFailedChunk) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  ClientOptions O;
  O.ChunkSize = size_t{64} * 1024;
  auto C = client(O, true);
  std::string Layer = randomBytes(200000, 8);
  oci::Descriptor D = descOf(Layer);
  // The first chunk fails before reaching the registry: ask where the upload stands, resend.
  Proxy->add({Fault::Status, "PATCH", "/blobs/uploads/", 1, 500});
  ASSERT_FALSE(bool(C->ping()));
  Proxy->clearSeen();
  auto Out = C->uploadBlob("r/chunks", D, opener(Layer), {});
  ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
  EXPECT_EQ(calls(*Proxy),
            (std::vector<std::string>{"POST -", "PATCH 0-65535", "GET -", "PATCH 0-65535",
                                      "PATCH 65536-131071", "PATCH 131072-196607",
                                      "PATCH 196608-199999", "PUT -"}));
  std::string Path = Dir + "/blob";
  ASSERT_FALSE(bool(C->downloadBlob("r/chunks", D, Path)));
  EXPECT_EQ(slurpFile(Path), Layer);
}

TEST_F(ClientTest, ResumesALaterChunkFromTheFileWithoutBufferingIt) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  ClientOptions O;
  O.ChunkSize = size_t{64} * 1024;
  auto C = client(O, true);
  std::string Layer = randomBytes(200000, 9);
  oci::Descriptor D = descOf(Layer);
  ASSERT_FALSE(bool(C->ping()));
  Proxy->clearSeen();
  // The second chunk fails: the registry holds the first, so the file is opened again and
  // read up to it (chunks are streamed from the file, not kept in memory).
  unsigned Opens = 0;
  BlobOpener Counting = [&]() -> llvm::Expected<std::unique_ptr<Reader>> {
    ++Opens;
    return stringReader(Layer);
  };
  bool Armed = false;
  auto Out = C->uploadBlob("r/chunks", D, Counting, {}, [&](int64_t Done) {
    if (Done == 65536 && !Armed) {
      Armed = true;
      Proxy->add({Fault::Status, "PATCH", "/blobs/uploads/", 1, 500});
    }
  });
  ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
  EXPECT_EQ(calls(*Proxy),
            (std::vector<std::string>{"POST -", "PATCH 0-65535", "PATCH 65536-131071", "GET -",
                                      "PATCH 65536-131071", "PATCH 131072-196607",
                                      "PATCH 196608-199999", "PUT -"}));
  EXPECT_EQ(Opens, 2u);
  std::string Path = Dir + "/blob";
  ASSERT_FALSE(bool(C->downloadBlob("r/chunks", D, Path)));
  EXPECT_EQ(slurpFile(Path), Layer);
}

TEST_F(ClientTest, StartsOverWhenTheRegistryLostTheUpload) {
  startRegistry(RegistrySetup::Plain);
  startProxy();
  ClientOptions O;
  O.ChunkSize = size_t{64} * 1024;
  auto C = client(O, true);
  std::string Layer = randomBytes(150000, 11);
  oci::Descriptor D = descOf(Layer);
  // The chunk reaches the registry but its answer is lost; distribution then refuses the old
  // upload state, so the client opens a new upload and sends the blob again.
  Proxy->add({Fault::DropAnswer, "PATCH", "/blobs/uploads/", 1});
  ASSERT_FALSE(bool(C->ping()));
  Proxy->clearSeen();
  auto Out = C->uploadBlob("r/chunks", D, opener(Layer), {});
  ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
  EXPECT_EQ(calls(*Proxy),
            (std::vector<std::string>{"POST -", "PATCH 0-65535", "GET -", "POST -", "PATCH 0-65535",
                                      "PATCH 65536-131071", "PATCH 131072-149999", "PUT -"}));
  std::string Path = Dir + "/blob";
  ASSERT_FALSE(bool(C->downloadBlob("r/chunks", D, Path)));
  EXPECT_EQ(slurpFile(Path), Layer);
}

TEST_F(ClientTest, NeverSendsAuthorizationToARedirectsOtherHost) {
  startRegistry(RegistrySetup::Basic);
  startProxy();
  ClientOptions O;
  O.Creds = Credentials{Reg->user(), Reg->password(), ""};
  auto C = client(O, true);
  std::string Layer = randomBytes(50000, 9);
  oci::Descriptor D = push(*C, "r/redirect", Layer);
  Proxy->add({Fault::Redirect, "GET", "/blobs/", 1});
  Proxy->clearSeen();
  std::string Path = Dir + "/blob";
  llvm::Error E = C->downloadBlob("r/redirect", D, Path);
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_EQ(slurpFile(Path), Layer);
  auto Seen = Proxy->seen();
  ASSERT_EQ(Seen.size(), 2u);
  EXPECT_FALSE(Seen[0].Storage);
  EXPECT_THAT(Seen[0].Headers["authorization"], HasSubstr("Basic "));
  EXPECT_TRUE(Seen[1].Storage);
  EXPECT_EQ(Seen[1].Headers.count("authorization"), 0u);
}

TEST_F(ClientTest, BasicAuthChecksCredentials) {
  startRegistry(RegistrySetup::Basic);
  ClientOptions Bad;
  Bad.Creds = Credentials{Reg->user(), "wrong", ""};
  EXPECT_THAT(errorText(client(Bad)->ping()),
              HasSubstr("refused the credentials: UNAUTHORIZED: authentication required (HTTP "
                        "401); check the credentials (ballast login)"));
  EXPECT_THAT(errorText(client()->ping()), HasSubstr("UNAUTHORIZED"));
  ClientOptions Good;
  Good.Creds = Credentials{Reg->user(), Reg->password(), ""};
  auto C = client(Good);
  llvm::Error E = C->ping();
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
  push(*C, "r/basic", "hello");
  EXPECT_TRUE(*C->hasBlob("r/basic", oci::Digest::sha256Of("hello")));
}

TEST_F(ClientTest, BearerTokensAnonymousCredentialedAndReused) {
  startRegistry(RegistrySetup::Token);
  ClientOptions Good;
  Good.Creds = Credentials{Reg->user(), Reg->password(), ""};
  auto C = client(Good);
  std::string Layer = randomBytes(3000, 10);
  oci::Descriptor D = push(*C, "r/tok", Layer);
  push(*C, "r/tok", "config");
  EXPECT_TRUE(*C->hasBlob("r/tok", D.Dig));
  // One token for pull+push, one for pull: reused for every later request.
  EXPECT_EQ(C->stats().TokenRequests, 2u);
  EXPECT_EQ(Reg->tokens()->requests(), 2u);

  // Anonymous: pull is granted, push is not.
  auto Anon = client();
  EXPECT_TRUE(*Anon->hasBlob("r/tok", D.Dig));
  auto Out = Anon->uploadBlob("r/tok", descOf("x"), opener("x"), {});
  ASSERT_FALSE(bool(Out));
  EXPECT_THAT(errorText(Out.takeError()), HasSubstr("UNAUTHORIZED: authentication required"));

  // Wrong password: the token server refuses.
  ClientOptions Bad;
  Bad.Creds = Credentials{Reg->user(), "nope", ""};
  EXPECT_THAT(errorText(client(Bad)->ping()),
              HasSubstr("authentication to " + Reg->host() +
                        " failed: incorrect username or password (HTTP 401)"));
  llvm::Error E = client(Good)->ping();
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));

  // A mount asks for pull on the source repository too.
  auto M = C->uploadBlob("r/other", D, opener(Layer), {"r/tok"});
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  EXPECT_EQ(*M, UploadOutcome::Mounted);
  auto Scopes = Reg->tokens()->scopes();
  EXPECT_THAT(Scopes, ::testing::Contains("repository:r/tok:pull"));
  EXPECT_THAT(Scopes, ::testing::Contains("repository:r/other:pull,push"));
}

TEST_F(ClientTest, TlsIsVerifiedAgainstTheGivenCA) {
  startRegistry(RegistrySetup::Tls);
  ClientOptions Strict;
  Strict.TlsVerify = true;
  std::string Msg = errorText(client(Strict)->ping());
  EXPECT_THAT(Msg, HasSubstr("cannot reach registry " + Reg->host()));
  EXPECT_THAT(Msg, HasSubstr("add its CA with --cert-dir"));
  Strict.CertDir = Reg->certDir();
  auto C = client(Strict);
  llvm::Error E = C->ping();
  EXPECT_FALSE(bool(E)) << llvm::toString(std::move(E));
  EXPECT_EQ(C->baseUrl(), "https://" + Reg->host());
  // Local registries are insecure by default, as in Docker.
  auto L = client();
  EXPECT_FALSE(bool(L->ping()));
  EXPECT_EQ(L->baseUrl(), "https://" + Reg->host());
}

TEST_F(ClientTest, PlainHttpOnlyWhenAskedForOrLocal) {
  startRegistry(RegistrySetup::Plain);
  ClientOptions Strict;
  Strict.TlsVerify = true;
  EXPECT_THAT(errorText(client(Strict)->ping()), HasSubstr("cannot reach registry"));
  ClientOptions Off;
  Off.TlsVerify = false;
  auto C = client(Off);
  EXPECT_FALSE(bool(C->ping()));
  EXPECT_EQ(C->baseUrl(), "http://" + Reg->host());
}

TEST_F(ClientTest, DeletesByDigestWhenTagDeleteIsRefused) {
  startRegistry(RegistrySetup::Plain);
  auto C = client();
  oci::Descriptor CD = push(*C, "r/del", "{}");
  oci::Descriptor LD = push(*C, "r/del", "layer");
  std::string M = manifestFor(CD, LD);
  ASSERT_TRUE(bool(C->putManifest("r/del", "v1", M, oci::media::OciManifest)));
  llvm::Error E = C->deleteManifest("r/del", "v1");
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  auto H = C->headManifest("r/del", oci::Digest::sha256Of(M).str());
  ASSERT_TRUE(bool(H));
  EXPECT_FALSE(H->has_value());
}

TEST(DockerConfigTest, StoresCredentialsPrivatelyAndFindsThemAgain) {
  std::string Dir = makeTempDir("ballast-dockercfg");
  {
    FILE *F = fopen((Dir + "/config.json").c_str(), "w");
    fputs("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dTpw\"}},\"other\":1}", F);
    fclose(F);
    chmod((Dir + "/config.json").c_str(), 0644);
  }
  auto C = DockerConfig::load(Dir);
  ASSERT_TRUE(bool(C));
  auto Hub = C->get("docker.io");
  ASSERT_TRUE(Hub && *Hub);
  EXPECT_EQ((*Hub)->Username, "u");
  EXPECT_EQ((*Hub)->Password, "p");
  ASSERT_FALSE(bool(C->store("127.0.0.1:5000", Credentials{"me", "pw:x", ""})));
  struct stat St;
  ASSERT_EQ(stat((Dir + "/config.json").c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 0777, 0600u);
  auto Again = DockerConfig::load(Dir);
  auto Got = Again->get("127.0.0.1:5000");
  ASSERT_TRUE(Got && *Got);
  EXPECT_EQ((*Got)->Username, "me");
  EXPECT_EQ((*Got)->Password, "pw:x");
  EXPECT_THAT(slurpFile(Dir + "/config.json"), HasSubstr("\"other\": 1"));
  EXPECT_THAT(slurpFile(Dir + "/config.json"),
              HasSubstr("\"127.0.0.1:5000\": {\n\t\t\t\"auth\": \"bWU6cHc6eA==\""));
  auto Erased = Again->erase("127.0.0.1:5000");
  ASSERT_TRUE(Erased && *Erased);
  auto Gone = DockerConfig::load(Dir)->get("127.0.0.1:5000");
  ASSERT_TRUE(bool(Gone));
  EXPECT_FALSE(Gone->has_value());
  llvm::sys::fs::remove_directories(Dir);
}

TEST(DockerConfigTest, UsesCredentialHelpers) {
  std::string Dir = makeTempDir("ballast-credhelper");
  // A docker-credential helper that keeps one secret in a file.
  std::string Helper = Dir + "/docker-credential-ballasttest";
  FILE *F = fopen(Helper.c_str(), "w");
  fprintf(F,
          "#!/bin/sh\ncase \"$1\" in\n"
          "get) read h; if [ -f %s/store ]; then cat %s/store; else echo 'credentials not "
          "found in native keychain'; exit 1; fi;;\n"
          "store) cat > %s/store;;\nerase) read h; rm %s/store;;\nesac\n",
          Dir.c_str(), Dir.c_str(), Dir.c_str(), Dir.c_str());
  fclose(F);
  chmod(Helper.c_str(), 0755);
  std::string OldPath = getenv("PATH");
  setenv("PATH", (Dir + ":" + OldPath).c_str(), 1);
  {
    FILE *G = fopen((Dir + "/config.json").c_str(), "w");
    fputs("{\"credHelpers\":{\"reg.example:5000\":\"ballasttest\"}}", G);
    fclose(G);
  }
  auto C = DockerConfig::load(Dir);
  ASSERT_TRUE(bool(C));
  auto None = C->get("reg.example:5000");
  ASSERT_TRUE(bool(None)) << llvm::toString(None.takeError());

  EXPECT_FALSE(None->has_value());
  ASSERT_FALSE(bool(C->store("reg.example:5000", Credentials{"alice", "s3", ""})));
  EXPECT_THAT(slurpFile(Dir + "/store"), HasSubstr("\"Secret\":\"s3\""));
  EXPECT_THAT(slurpFile(Dir + "/config.json"), ::testing::Not(HasSubstr("s3")));
  auto Got = DockerConfig::load(Dir)->get("reg.example:5000");
  ASSERT_TRUE(Got && *Got);
  EXPECT_EQ((*Got)->Username, "alice");
  EXPECT_EQ((*Got)->Password, "s3");
  setenv("PATH", OldPath.c_str(), 1);
  llvm::sys::fs::remove_directories(Dir);
}

//===- Client.h - OCI distribution / Docker Registry HTTP API v2 client -*- C++ -*-===//
//
// One Client per registry host. Every call authenticates itself (anonymous or credentialed
// Bearer tokens from the WWW-Authenticate challenge, cached per scope until they expire, or
// Basic), retries 429/5xx/timeouts/resets with exponential backoff, follows redirects without
// ever sending Authorization to another host, and turns error bodies into messages with the
// registry's code. Blob downloads resume with Range (only a 206 answer is appended to), blob
// uploads try a cross-repository mount first and recover the offset after a failed chunk.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "oci/Descriptor.h"
#include "registry/Auth.h"
#include "registry/Http.h"
#include "support/Stream.h"

namespace ballast::registry {

/// How a Client talks to its registry.
struct ClientOptions {
  /// true: always verify TLS; false: never verify, and fall back to plain HTTP; unset: verify,
  /// except for localhost / 127.0.0.0/8 / ::1, which Docker treats as insecure registries.
  std::optional<bool> TlsVerify;
  /// Extra CAs (`*.crt`) and a client certificate (`*.cert` + `*.key`), Docker's certs.d layout;
  /// "" means /etc/docker/certs.d/<host> when it exists.
  std::string CertDir;
  /// Credentials to use instead of config.json (login verifies these).
  std::optional<Credentials> Creds;
  /// Docker's configuration directory; "" means $DOCKER_CONFIG or ~/.docker.
  std::string DockerConfigDir;
  unsigned MaxAttempts = 5; ///< tries per request on 429, 5xx, timeouts and resets
  unsigned BackoffMs = 200; ///< first retry delay; doubles each time, with jitter
  unsigned MaxBackoffMs = 5000;
  long LowSpeedTimeSec = 60; ///< a transfer idle this long is a timeout
  /// Bytes per PATCH of a chunked upload (streamed from the local file, never buffered).
  size_t ChunkSize = 64u << 20;
  /// Blobs up to min(ChunkSize, MonolithicMax) bytes go in one PUT (held in memory, so a retry
  /// can resend them); larger ones in PATCH chunks and a closing PUT.
  size_t MonolithicMax = 8u << 20;
};

/// A manifest as served.
struct ManifestResponse {
  std::string Raw;
  std::string MediaType;
  oci::Digest Dig;
};

/// How a blob reached the registry.
enum class UploadOutcome { Present, Mounted, Uploaded };

/// Counters for tests and benchmarks.
struct ClientStats {
  unsigned Requests = 0, TokenRequests = 0, Retries = 0, Resumes = 0;
};

/// Opens the local blob to upload (again, when an upload has to start over).
using BlobOpener = std::function<llvm::Expected<std::unique_ptr<Reader>>()>;

/// Called with the bytes of a blob transferred so far.
using ProgressFn = std::function<void(int64_t Done)>;

class Client {
public:
  /// A client for Host ("127.0.0.1:5000", "registry-1.docker.io"); nothing is sent yet.
  static llvm::Expected<std::unique_ptr<Client>> create(llvm::StringRef Host,
                                                        ClientOptions Opts = {});
  ~Client();
  const std::string &host() const { return Host; }
  /// "https://host" or "http://host", once known (after the first request).
  std::string baseUrl();

  /// GET /v2/: finds the scheme, checks the registry speaks v2 and that the credentials (if any)
  /// are accepted, fetching a token when the registry asks for Bearer auth.
  llvm::Error ping();
  /// GET a manifest by tag or digest with the full Accept list; verifies a digest reference.
  llvm::Expected<ManifestResponse> getManifest(llvm::StringRef Repo, llvm::StringRef Ident);
  /// HEAD a manifest: its digest, media type and size, or nullopt when unknown.
  llvm::Expected<std::optional<oci::Descriptor>> headManifest(llvm::StringRef Repo,
                                                              llvm::StringRef Ident);
  /// PUT a manifest under a tag or digest with its media type; returns the registry's digest.
  llvm::Expected<oci::Digest> putManifest(llvm::StringRef Repo, llvm::StringRef Ident,
                                          llvm::StringRef Raw, llvm::StringRef MediaType);
  /// DELETE a manifest; a tag the registry refuses to delete is resolved and deleted by digest.
  llvm::Error deleteManifest(llvm::StringRef Repo, llvm::StringRef Ident);
  /// Every tag of Repo (following `Link` pagination).
  llvm::Expected<std::vector<std::string>> listTags(llvm::StringRef Repo);

  /// HEAD a blob.
  llvm::Expected<bool> hasBlob(llvm::StringRef Repo, const oci::Digest &D);
  /// GET a small blob (a config) into memory, verified.
  llvm::Expected<std::string> fetchBlob(llvm::StringRef Repo, const oci::Descriptor &D);
  /// Downloads a blob to Path, appending to what Path already holds (Range resume), retrying
  /// dropped connections from where they stopped; verifies size and digest at the end and
  /// removes Path when they do not match.
  llvm::Error downloadBlob(llvm::StringRef Repo, const oci::Descriptor &D, llvm::StringRef Path,
                           const ProgressFn &Progress = {});
  /// Uploads a blob read from Open(): a mount from each of MountFrom first (same registry), then
  /// a monolithic PUT (up to MonolithicMax) or PATCH chunks and a closing PUT. A failed chunk
  /// resumes at the offset the registry reports; an upload the registry lost starts over (Open
  /// again).
  llvm::Expected<UploadOutcome> uploadBlob(llvm::StringRef Repo, const oci::Descriptor &D,
                                           const BlobOpener &Open,
                                           const std::vector<std::string> &MountFrom,
                                           const ProgressFn &Progress = {});

  ClientStats stats() const;

private:
  Client(std::string Host, ClientOptions Opts);
  struct Call;
  llvm::Error ensureBase();
  llvm::Expected<HttpResponse> request(HttpRequest &R, const std::vector<std::string> &Scopes,
                                       const std::function<void(HttpRequest &)> &Before = {});
  HttpResponse sendOnce(HttpRequest &R);
  HttpResponse sendRetrying(HttpRequest &R, const std::function<void(HttpRequest &)> &Before,
                            unsigned &Attempt);
  llvm::Expected<std::string> authorization(const std::vector<std::string> &Scopes, bool Fresh);
  llvm::Expected<Token> fetchToken(const Challenge &C, const std::vector<std::string> &Scopes);
  llvm::Expected<std::optional<Credentials>> credentials();
  void backoff(unsigned Attempt, const HttpResponse &R);
  llvm::Expected<bool> uploadChunks(std::string &Location, llvm::StringRef Repo,
                                    const oci::Descriptor &D, const BlobOpener &Open,
                                    std::unique_ptr<Reader> Src,
                                    const std::vector<std::string> &Scopes,
                                    const ProgressFn &Progress);

  std::string Host;
  ClientOptions Opts;
  TlsOptions Tls;
  Transport T;
  std::mutex Mu;
  std::string Base;
  std::optional<Challenge> Chal;
  std::map<std::string, Token> Tokens;
  bool CredsLoaded = false;
  std::optional<Credentials> Creds;
  std::atomic<unsigned> NRequests{0}, NTokens{0}, NRetries{0}, NResumes{0};
};

/// The error a registry answer stands for: `WHAT: CODE: message (HTTP status)` from the
/// distribution error body when there is one.
llvm::Error registryError(llvm::StringRef What, const HttpResponse &R);

/// True for hosts Docker treats as insecure local registries (localhost, 127.0.0.0/8, ::1).
bool isLocalHost(llvm::StringRef Host);

} // namespace ballast::registry

//===- Http.h - One HTTP exchange over libcurl -------------------*- C++ -*-===//
//
// The only place that touches libcurl: RAII handles kept in a pool (so keep-alive connections
// are reused across requests and threads), one attempt per send(), no redirect following (the
// client decides where Authorization may go), TLS verified unless told otherwise.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace ballast::registry {

/// How the peer's certificate is checked.
struct TlsOptions {
  bool Verify = true;     ///< verify the chain and the host name against the CAs
  std::string ExtraCAs;   ///< PEM certificates trusted in addition to the system CAs
  std::string ClientCert; ///< PEM file of a client certificate (docker certs.d `*.cert`)
  std::string ClientKey;  ///< its key (`*.key`)
};

struct HttpResponse;

/// One request. The body comes from Body, or from BodySource when it is set (BodySize bytes).
struct HttpRequest {
  std::string Method = "GET";
  std::string Url;
  std::vector<std::string> Headers; ///< "Name: value"
  std::string Body;
  std::function<size_t(char *Buf, size_t Len)> BodySource;
  int64_t BodySize = -1;
  /// Receives the body of a 2xx answer instead of HttpResponse::Body; false aborts the transfer.
  std::function<bool(const HttpResponse &Head, const char *Data, size_t Len)> Sink;
  /// Largest body kept in memory (error bodies, manifests); more is an error.
  size_t MaxBody = 16u << 20;
  long ConnectTimeoutSec = 30;
  long LowSpeedTimeSec = 60; ///< abort when less than 1 byte/s for this long
  TlsOptions Tls;
};

/// What came back, or why nothing did.
struct HttpResponse {
  long Status = 0;
  std::vector<std::pair<std::string, std::string>> Headers; ///< names lower-cased
  std::string Body;
  std::string RedirectUrl; ///< absolute Location of a 3xx answer
  int CurlCode = 0;        ///< non-zero when the transfer failed
  std::string CurlError;   ///< libcurl's message for CurlCode
  uint64_t SinkBytes = 0;  ///< bytes handed to the request's Sink
  bool BodyTooLarge = false;
  /// The last value of the header Name (case-insensitive), "" when absent.
  std::string header(llvm::StringRef Name) const;
  /// True when the transfer failed in the network (reset, timeout, refused, truncated).
  bool transportFailed() const { return CurlCode != 0; }
  /// True when a retry may help: resets, timeouts, refused connections, truncated bodies.
  bool transient() const;
};

/// Sends requests; thread-safe; keeps idle libcurl handles (and so their connections).
class Transport {
public:
  Transport();
  ~Transport();
  Transport(const Transport &) = delete;
  Transport &operator=(const Transport &) = delete;
  /// Performs one attempt of R. Never follows redirects.
  HttpResponse send(const HttpRequest &R);

private:
  void *acquire();
  void release(void *H);
  std::mutex Mu;
  std::vector<void *> Idle;
};

/// Resolves Location against Base (absolute URL) the way a browser does.
std::string resolveUrl(llvm::StringRef Base, llvm::StringRef Location);
/// "host[:port]" of an absolute URL, lower-cased.
std::string urlAuthority(llvm::StringRef Url);
/// Percent-encodes a query parameter value.
std::string urlEncode(llvm::StringRef S);
/// Standard base64 of S.
std::string base64Encode(llvm::StringRef S);
/// Decodes standard or URL-safe base64 (padding optional); false when malformed.
bool base64Decode(llvm::StringRef S, std::string &Out);

} // namespace ballast::registry

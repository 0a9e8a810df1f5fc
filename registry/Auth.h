//===- Auth.h - Registry authentication: challenges, tokens, credentials -*- C++ -*-===//
//
// The distribution token flow: a request answered 401 carries `WWW-Authenticate: Bearer
// realm=...,service=...,scope=...`; the client asks the realm for a token (anonymously or with
// Basic credentials), caches it per scope until it expires, and retries. `Basic realm=...` means
// credentials go on every request. Credentials come from Docker's config.json.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast::registry {

/// One challenge of a WWW-Authenticate header: scheme (lower-cased) and parameters.
struct Challenge {
  std::string Scheme; ///< "bearer", "basic"
  std::map<std::string, std::string> Params;
};

/// Parses a WWW-Authenticate value (RFC 7235: several challenges, quoted strings with escapes).
std::vector<Challenge> parseChallenges(llvm::StringRef Header);

/// A user name and password, or an identity (refresh) token.
struct Credentials {
  std::string Username;
  std::string Password;
  std::string IdentityToken; ///< OAuth2 refresh token (config.json `identitytoken`)
  bool empty() const { return Username.empty() && Password.empty() && IdentityToken.empty(); }
};

/// A bearer token answer from a token server.
struct Token {
  std::string Value;
  std::chrono::steady_clock::time_point Expires;
  std::string RefreshToken;
};

/// Parses a token server's JSON answer: `token` or `access_token`, `expires_in` (default 60 s,
/// as the distribution spec says), `refresh_token`.
llvm::Expected<Token> parseTokenResponse(llvm::StringRef Json,
                                         std::chrono::steady_clock::time_point Now);

/// `repository:NAME:ACTIONS`.
std::string repositoryScope(llvm::StringRef Repo, llvm::StringRef Actions);

/// Docker's client configuration directory: $DOCKER_CONFIG, else ~/.docker.
std::string dockerConfigDir();

/// Docker's config.json: `auths`, `credsStore` and `credHelpers`; edits keep unknown fields.
class DockerConfig {
public:
  /// Loads Dir/config.json (an empty configuration when the file does not exist).
  static llvm::Expected<DockerConfig> load(llvm::StringRef Dir);
  /// The credentials for a registry host ("docker.io" finds "https://index.docker.io/v1/"),
  /// from its credential helper when one is configured, else from `auths`.
  llvm::Expected<std::optional<Credentials>> get(llvm::StringRef Host) const;
  /// Stores credentials for Host (in the helper when configured, else base64 in `auths`) and
  /// writes config.json atomically with mode 0600.
  llvm::Error store(llvm::StringRef Host, const Credentials &C);
  /// Removes Host's credentials; false when there were none.
  llvm::Expected<bool> erase(llvm::StringRef Host);
  /// The helper program name for Host ("" when credentials live in the file).
  std::string helperFor(llvm::StringRef Host) const;
  const std::string &path() const { return Path; }

private:
  std::string Dir, Path;
  std::string Raw; ///< the file's JSON text ("{}" when absent)
  llvm::Error save();
};

/// The key config.json uses for Host ("https://index.docker.io/v1/" for docker.io).
std::string configKeyFor(llvm::StringRef Host);

} // namespace ballast::registry

//===- RegistryHarness.h - Registries, token server, fault proxy -*- C++ -*-===//
//
// Starts Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a generated config and
// temporary storage in one of four setups (plain HTTP, TLS with a CA made by openssl, htpasswd
// Basic auth, Bearer tokens from TokenServer), and a loopback FaultProxy that injects failures.
// Everything started is stopped by its destructor; child processes also die with the test
// process (PR_SET_PDEATHSIG). Shared by the registry, analyzer and builder tests.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "llvm/Support/Error.h"

namespace ballast::registry::testing {

/// A child process; SIGKILLed and reaped on destruction, and killed when the parent dies.
class ChildProcess {
public:
  /// Starts Argv with stdout and stderr appended to LogPath.
  static llvm::Expected<std::unique_ptr<ChildProcess>> start(const std::vector<std::string> &Argv,
                                                             const std::string &LogPath);
  ~ChildProcess();
  int pid() const { return Pid; }
  /// Whether the process has not exited yet (reaps it when it has).
  bool running();
  /// SIGKILL and reap (idempotent).
  void kill();

private:
  int Pid = -1;
};

/// A free TCP port on 127.0.0.1 (bound, then released).
int freePort();
/// Blocks until 127.0.0.1:Port accepts connections (or about 20 s pass); false on timeout.
bool waitForPort(int Port);
/// A new directory under /tmp, removed by the caller.
std::string makeTempDir(const std::string &Prefix);
/// Runs a shell command; returns its exit status and fills Out with stdout and stderr.
int shell(const std::string &Cmd, std::string *Out = nullptr);

/// An HTTP server issuing distribution-compatible RS256 JWTs (x5c header, cert in the
/// registry's rootcertbundle). Anonymous clients get pull; User/Password get every action
/// asked for; wrong credentials get 401.
class TokenServer {
public:
  static llvm::Expected<std::unique_ptr<TokenServer>>
  start(const std::string &Dir, const std::string &Issuer, const std::string &Service,
        const std::string &User, const std::string &Password);
  ~TokenServer();
  std::string realm() const;
  const std::string &certPath() const { return CertPath; }
  /// Token requests served (granted or refused).
  unsigned requests() const { return Requests.load(); }
  /// The scope parameters of every request, in order.
  std::vector<std::string> scopes();
  /// Lifetime of issued tokens (expires_in), default 300.
  void setExpiresIn(int Secs) { ExpiresIn = Secs; }

private:
  TokenServer() = default;
  void serve();
  void handle(int Fd);
  std::string sign(const std::string &Payload);
  int ListenFd = -1, Port = 0;
  std::string Issuer, Service, User, Password, CertPath, X5c;
  void *Key = nullptr; // EVP_PKEY
  std::atomic<unsigned> Requests{0};
  std::atomic<int> ExpiresIn{300};
  std::atomic<bool> Stopping{false};
  std::mutex Mu;
  std::vector<std::string> Scopes;
  std::vector<int> Conns;
  std::vector<std::thread> Threads;
  std::thread Acceptor;
};

/// The four setups of the real-registry tests.
enum class RegistrySetup { Plain, Tls, Basic, Token };

/// A docker-registry process.
class RegistryServer {
public:
  static llvm::Expected<std::unique_ptr<RegistryServer>> start(RegistrySetup S);
  ~RegistryServer();
  /// "127.0.0.1:PORT".
  std::string host() const { return "127.0.0.1:" + std::to_string(Port); }
  int port() const { return Port; }
  RegistrySetup setup() const { return S; }
  /// A certs.d-style directory holding the CA as ca.crt (TLS setup).
  std::string certDir() const { return Dir + "/certs"; }
  /// The CA certificate file (TLS setup).
  std::string caFile() const { return Dir + "/certs/ca.crt"; }
  /// Valid credentials (Basic and Token setups).
  const std::string &user() const { return User; }
  const std::string &password() const { return Password; }
  TokenServer *tokens() { return Tokens.get(); }
  /// The registry's log (for failure messages).
  std::string log() const;
  /// Storage root of the registry.
  std::string storageDir() const { return Dir + "/storage"; }

private:
  RegistryServer() = default;
  RegistrySetup S = RegistrySetup::Plain;
  std::string Dir;
  int Port = 0;
  std::string User = "tester", Password = "s3cret-pass";
  std::unique_ptr<TokenServer> Tokens;
  std::unique_ptr<ChildProcess> Proc;
};

/// What the proxy does to matching requests.
struct Fault {
  enum Kind {
    Status,      ///< answer Code with a distribution error body, never forwarding
    DropAfter,   ///< forward, then reset the connection after Bytes body bytes
    Truncate,    ///< forward, then close cleanly after Bytes body bytes
    Corrupt,     ///< forward with the body byte at offset Bytes flipped
    IgnoreRange, ///< strip the Range header (the registry answers 200)
    Redirect,    ///< 307 to the proxy's second listener ("storage"), which serves the blob
    Throttle,    ///< forward the body Bytes at a time with a 20 ms pause between pieces
    DropAnswer,  ///< forward the request, then reset the connection without answering
    Hold,        ///< forward Bytes body bytes, then stall until release() (or the client hangs up)
  };
  Kind K = Status;
  std::string Method;       ///< "" matches every method
  std::string PathContains; ///< "" matches every path
  int Count = 1;            ///< how many requests it applies to; -1 for all
  int Code = 500;
  int64_t Bytes = 0;
  std::string RetryAfter{}; ///< Retry-After header for Status faults
};

/// One request the proxy saw.
struct SeenRequest {
  std::string Method, Path;
  std::map<std::string, std::string> Headers; ///< lower-case names
  bool Storage = false;                       ///< arrived at the storage listener
};

/// A loopback HTTP proxy in front of a registry (plain HTTP) that injects faults.
class FaultProxy {
public:
  static llvm::Expected<std::unique_ptr<FaultProxy>> start(const std::string &UpstreamHost);
  ~FaultProxy();
  /// "127.0.0.1:PORT".
  std::string host() const { return "127.0.0.1:" + std::to_string(Port); }
  void add(Fault F);
  void clearFaults();
  /// Lets every transfer stalled by a Hold fault (and every later one) go on.
  void release() { Released = true; }
  /// Transfers a Hold fault is stalling right now.
  int held() const { return Holding.load(); }
  std::vector<SeenRequest> seen();
  void clearSeen();

private:
  FaultProxy() = default;
  void acceptLoop(int Fd, bool Storage);
  void serveConn(int Fd, bool Storage);
  std::optional<Fault> match(const std::string &Method, const std::string &Path);
  int ListenFd = -1, StorageFd = -1, Port = 0, StoragePort = 0;
  std::string UpstreamHost;
  int UpstreamPort = 0;
  std::atomic<bool> Stopping{false}, Released{false};
  std::atomic<int> Holding{0};
  std::mutex Mu;
  std::vector<Fault> Faults;
  std::vector<SeenRequest> Seen;
  std::map<std::string, std::pair<std::string, std::string>> Redirects; ///< id -> path, auth
  std::vector<int> Conns;
  std::vector<std::thread> Threads;
  std::thread Acceptor, StorageAcceptor;
};

} // namespace ballast::registry::testing

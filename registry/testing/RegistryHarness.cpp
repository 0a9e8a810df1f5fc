//===- RegistryHarness.cpp - Real registries, a token server and a fault proxy -===//
#include "registry/testing/RegistryHarness.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <random>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "registry/Http.h"
#include "support/Errors.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

namespace ballast::registry::testing {

// --- processes and sockets --------------------------------------------------------------------

llvm::Expected<std::unique_ptr<ChildProcess>>
ChildProcess::start(const std::vector<std::string> &Argv, const std::string &LogPath) {
  int Log = ::open(LogPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (Log < 0)
    return makeError(LogPath + ": " + strerror(errno));
  // The argument vector is built before fork: the child of a multi-threaded test may not allocate.
  std::vector<char *> A;
  A.reserve(Argv.size() + 1);
  for (const auto &S : Argv)
    A.push_back(const_cast<char *>(S.c_str()));
  A.push_back(nullptr);
  pid_t Parent = getpid();
  pid_t P = fork();
  if (P < 0) {
    ::close(Log);
    return makeError(llvm::Twine("fork: ") + strerror(errno));
  }
  if (P == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != Parent)
      _exit(127);
    dup2(Log, 1);
    dup2(Log, 2);
    int Null = ::open("/dev/null", O_RDONLY);
    dup2(Null, 0);
    setpgid(0, 0);
    execvp(A[0], A.data());
    _exit(127);
  }
  ::close(Log);
  auto C = std::unique_ptr<ChildProcess>(new ChildProcess());
  C->Pid = P;
  return C;
}

ChildProcess::~ChildProcess() { kill(); }

bool ChildProcess::running() {
  if (Pid <= 0)
    return false;
  int St;
  if (waitpid(Pid, &St, WNOHANG) == 0)
    return true;
  Pid = -1; // reaped (or not ours): never signal the number again
  return false;
}

void ChildProcess::kill() {
  if (Pid <= 0)
    return;
  ::kill(Pid, SIGKILL);
  int St;
  while (waitpid(Pid, &St, 0) < 0 && errno == EINTR) {
  }
  Pid = -1;
}

int freePort() {
  int Fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in A{};
  A.sin_family = AF_INET;
  A.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  A.sin_port = 0;
  socklen_t L = sizeof A;
  int Port = 0;
  if (bind(Fd, (sockaddr *)&A, sizeof A) == 0 && getsockname(Fd, (sockaddr *)&A, &L) == 0)
    Port = ntohs(A.sin_port);
  ::close(Fd);
  return Port;
}

static int connectTo(int Port) {
  int Fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in A{};
  A.sin_family = AF_INET;
  A.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  A.sin_port = htons(Port);
  if (connect(Fd, (sockaddr *)&A, sizeof A) != 0) {
    ::close(Fd);
    return -1;
  }
  int One = 1;
  setsockopt(Fd, IPPROTO_TCP, TCP_NODELAY, &One, sizeof One);
  return Fd;
}

bool waitForPort(int Port) {
  for (int I = 0; I < 400; ++I) {
    int Fd = connectTo(Port);
    if (Fd >= 0) {
      ::close(Fd);
      return true;
    }
    usleep(50 * 1000);
  }
  return false;
}

static int listenOn(int &Port) {
  int Fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int One = 1;
  setsockopt(Fd, SOL_SOCKET, SO_REUSEADDR, &One, sizeof One);
  sockaddr_in A{};
  A.sin_family = AF_INET;
  A.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  A.sin_port = 0;
  socklen_t L = sizeof A;
  if (bind(Fd, (sockaddr *)&A, sizeof A) != 0 || listen(Fd, 64) != 0 ||
      getsockname(Fd, (sockaddr *)&A, &L) != 0) {
    ::close(Fd);
    return -1;
  }
  Port = ntohs(A.sin_port);
  return Fd;
}

std::string makeTempDir(const std::string &Prefix) {
  std::string T = "/tmp/" + Prefix + "-XXXXXX";
  if (!mkdtemp(T.data()))
    return "";
  return T;
}

int shell(const std::string &Cmd, std::string *Out) {
  std::string Full = "(" + Cmd + ") 2>&1";
  FILE *P = popen(Full.c_str(), "r");
  if (!P)
    return -1;
  char Buf[4096];
  size_t N;
  while ((N = fread(Buf, 1, sizeof Buf, P)) > 0)
    if (Out)
      Out->append(Buf, N);
  int St = pclose(P);
  return WIFEXITED(St) ? WEXITSTATUS(St) : -1;
}

static bool sendAll(int Fd, const char *P, size_t N) {
  while (N) {
    ssize_t W = ::send(Fd, P, N, MSG_NOSIGNAL);
    if (W < 0 && errno == EINTR)
      continue;
    if (W <= 0)
      return false;
    P += W;
    N -= W;
  }
  return true;
}
static bool sendAll(int Fd, const std::string &S) { return sendAll(Fd, S.data(), S.size()); }

/// Reads an HTTP head (through the blank line) into Head; extra bytes stay in Buf.
static bool readHead(int Fd, std::string &Buf, std::string &Head) {
  for (;;) {
    size_t E = Buf.find("\r\n\r\n");
    if (E != std::string::npos) {
      Head = Buf.substr(0, E + 4);
      Buf.erase(0, E + 4);
      return true;
    }
    // A TLS ClientHello is not HTTP: close, as a plain-HTTP server's handshake failure would.
    if (!Buf.empty() && Buf[0] == 0x16)
      return false;
    char Tmp[65536];
    ssize_t N = ::recv(Fd, Tmp, sizeof Tmp, 0);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Buf.append(Tmp, N);
  }
}

struct ParsedHead {
  std::string First; ///< request or status line
  std::vector<std::pair<std::string, std::string>> Headers;
  std::string get(llvm::StringRef Name) const {
    for (auto &[K, V] : Headers)
      if (llvm::StringRef(K).equals_insensitive(Name))
        return V;
    return "";
  }
  void remove(llvm::StringRef Name) {
    Headers.erase(std::remove_if(
                      Headers.begin(), Headers.end(),
                      [&](auto &KV) { return llvm::StringRef(KV.first).equals_insensitive(Name); }),
                  Headers.end());
  }
  std::string str() const {
    std::string S = First + "\r\n";
    for (auto &[K, V] : Headers)
      S += K + ": " + V + "\r\n";
    return S + "\r\n";
  }
};

static ParsedHead parseHead(llvm::StringRef Head) {
  ParsedHead P;
  llvm::SmallVector<llvm::StringRef, 16> Lines;
  Head.split(Lines, "\r\n", -1, false);
  if (!Lines.empty())
    P.First = Lines[0].str();
  for (size_t I = 1; I < Lines.size(); ++I) {
    auto [K, V] = Lines[I].split(':');
    P.Headers.emplace_back(K.trim().str(), V.trim().str());
  }
  return P;
}

static bool readBody(int Fd, std::string &Buf, size_t Len, std::string &Body) {
  while (Buf.size() < Len) {
    char Tmp[65536];
    ssize_t N = ::recv(Fd, Tmp, sizeof Tmp, 0);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Buf.append(Tmp, N);
  }
  Body = Buf.substr(0, Len);
  Buf.erase(0, Len);
  return true;
}

static void hardClose(int Fd) {
  linger L{1, 0}; // RST instead of FIN
  setsockopt(Fd, SOL_SOCKET, SO_LINGER, &L, sizeof L);
  ::close(Fd);
}

// --- token server -----------------------------------------------------------------------------

static std::string b64url(llvm::StringRef S) {
  std::string B = base64Encode(S);
  for (char &C : B)
    C = C == '+' ? '-' : C == '/' ? '_' : C;
  while (!B.empty() && B.back() == '=')
    B.pop_back();
  return B;
}

llvm::Expected<std::unique_ptr<TokenServer>>
TokenServer::start(const std::string &Dir, const std::string &Issuer, const std::string &Service,
                   const std::string &User, const std::string &Password) {
  auto T = std::unique_ptr<TokenServer>(new TokenServer());
  T->Issuer = Issuer;
  T->Service = Service;
  T->User = User;
  T->Password = Password;
  T->CertPath = Dir + "/token.crt";
  std::string KeyPath = Dir + "/token.key", Out;
  if (shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + KeyPath + " -out " +
                T->CertPath + " -subj /CN=ballast-test-token-issuer -days 2",
            &Out) != 0)
    return makeError("openssl could not make the token signing key: " + Out);
  FILE *F = fopen(KeyPath.c_str(), "r");
  if (!F)
    return makeError(KeyPath + ": " + strerror(errno));
  T->Key = PEM_read_PrivateKey(F, nullptr, nullptr, nullptr);
  fclose(F);
  if (!T->Key)
    return makeError("cannot read " + KeyPath);
  auto Pem = llvm::MemoryBuffer::getFile(T->CertPath);
  if (!Pem)
    return makeError(T->CertPath + ": " + Pem.getError().message());
  for (llvm::StringRef Line : llvm::split((*Pem)->getBuffer(), '\n'))
    if (!Line.startswith("-----"))
      T->X5c += Line.trim().str();
  T->ListenFd = listenOn(T->Port);
  if (T->ListenFd < 0)
    return makeError("token server cannot listen");
  T->Acceptor = std::thread([P = T.get()] { P->serve(); });
  return T;
}

TokenServer::~TokenServer() {
  Stopping = true;
  if (ListenFd >= 0)
    shutdown(ListenFd, SHUT_RDWR);
  if (Acceptor.joinable())
    Acceptor.join();
  {
    std::lock_guard<std::mutex> L(Mu);
    for (int Fd : Conns)
      shutdown(Fd, SHUT_RDWR);
  }
  for (auto &Th : Threads)
    Th.join();
  if (ListenFd >= 0)
    ::close(ListenFd);
  EVP_PKEY_free(static_cast<EVP_PKEY *>(Key));
}

std::string TokenServer::realm() const {
  return "http://127.0.0.1:" + std::to_string(Port) + "/token";
}

std::vector<std::string> TokenServer::scopes() {
  std::lock_guard<std::mutex> L(Mu);
  return Scopes;
}

void TokenServer::serve() {
  for (;;) {
    int Fd = accept4(ListenFd, nullptr, nullptr, SOCK_CLOEXEC);
    if (Fd < 0) {
      if (Stopping)
        return;
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      return;
    }
    std::lock_guard<std::mutex> L(Mu);
    Conns.push_back(Fd);
    Threads.emplace_back([this, Fd] { handle(Fd); });
  }
}

std::string TokenServer::sign(const std::string &Payload) {
  std::string Header = R"({"alg":"RS256","typ":"JWT","x5c":[")" + X5c + R"("]})";
  std::string Input = b64url(Header) + "." + b64url(Payload);
  EVP_MD_CTX *Ctx = EVP_MD_CTX_new();
  size_t Len = 0;
  std::string Sig;
  if (EVP_DigestSignInit(Ctx, nullptr, EVP_sha256(), nullptr, static_cast<EVP_PKEY *>(Key)) == 1 &&
      EVP_DigestSignUpdate(Ctx, Input.data(), Input.size()) == 1 &&
      EVP_DigestSignFinal(Ctx, nullptr, &Len) == 1) {
    Sig.resize(Len);
    if (EVP_DigestSignFinal(Ctx, reinterpret_cast<unsigned char *>(Sig.data()), &Len) == 1)
      Sig.resize(Len);
    else
      Sig.clear();
  }
  EVP_MD_CTX_free(Ctx);
  return Input + "." + b64url(Sig);
}

static std::string urlDecode(llvm::StringRef S) {
  std::string Out;
  for (size_t I = 0; I < S.size(); ++I) {
    if (S[I] == '+')
      Out += ' ';
    else if (S[I] == '%' && I + 2 < S.size()) {
      unsigned V = 0;
      S.substr(I + 1, 2).getAsInteger(16, V);
      Out += char(V);
      I += 2;
    } else
      Out += S[I];
  }
  return Out;
}

void TokenServer::handle(int Fd) {
  std::string Buf, HeadText;
  while (readHead(Fd, Buf, HeadText)) {
    ParsedHead H = parseHead(HeadText);
    std::string Body;
    size_t Len = 0;
    llvm::StringRef(H.get("content-length")).getAsInteger(10, Len);
    if (!readBody(Fd, Buf, Len, Body))
      break;
    ++Requests;
    llvm::StringRef Target = llvm::StringRef(H.First).split(' ').second.split(' ').first;
    llvm::StringRef Query = Target.split('?').second;
    std::vector<std::string> Want;
    std::string GotService;
    for (llvm::StringRef KV : llvm::split(Query, '&')) {
      auto [K, V] = KV.split('=');
      if (K == "scope")
        Want.push_back(urlDecode(V));
      else if (K == "service")
        GotService = urlDecode(V);
    }
    std::string Who;
    bool Authed = false, Bad = false;
    std::string Auth = H.get("authorization");
    if (llvm::StringRef(Auth).startswith("Basic ")) {
      std::string Dec;
      base64Decode(llvm::StringRef(Auth).drop_front(6), Dec);
      if (Dec == User + ":" + Password) {
        Authed = true;
        Who = User;
      } else
        Bad = true;
    }
    {
      std::lock_guard<std::mutex> L(Mu);
      for (auto &S : Want)
        Scopes.push_back(S);
    }
    std::string Resp;
    if (Bad || GotService != Service) {
      std::string B = Bad ? R"({"details":"incorrect username or password"})"
                          : R"({"details":"unknown service"})";
      Resp = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(B.size()) + "\r\n\r\n" + B;
    } else {
      std::string Access = "[";
      for (auto &S : Want) {
        // repository:NAME:ACTIONS (NAME may hold ':' only in a port, which repositories lack).
        llvm::SmallVector<llvm::StringRef, 3> P;
        llvm::StringRef(S).split(P, ':');
        if (P.size() != 3)
          continue;
        std::vector<std::string> Actions;
        for (llvm::StringRef A : llvm::split(P[2], ','))
          if (Authed || A == "pull")
            Actions.push_back("\"" + A.str() + "\"");
        if (Access.size() > 1)
          Access += ",";
        Access += R"({"type":")" + P[0].str() + R"(","name":")" + P[1].str() + R"(","actions":[)" +
                  llvm::join(Actions, ",") + "]}";
      }
      Access += "]";
      int64_t Now = time(nullptr);
      static std::atomic<unsigned> Jti{0};
      std::string Claims = R"({"iss":")" + Issuer + R"(","sub":")" + Who + R"(","aud":")" +
                           Service + R"(","exp":)" + std::to_string(Now + ExpiresIn.load()) +
                           R"(,"nbf":)" + std::to_string(Now - 30) + R"(,"iat":)" +
                           std::to_string(Now) + R"(,"jti":")" + std::to_string(++Jti) +
                           R"(","access":)" + Access + "}";
      std::string Tok = sign(Claims);
      std::string B = R"({"token":")" + Tok + R"(","access_token":")" + Tok + R"(","expires_in":)" +
                      std::to_string(ExpiresIn.load()) + "}";
      Resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(B.size()) + "\r\n\r\n" + B;
    }
    if (!sendAll(Fd, Resp))
      break;
  }
  ::close(Fd);
  std::lock_guard<std::mutex> L(Mu);
  Conns.erase(std::remove(Conns.begin(), Conns.end(), Fd), Conns.end());
}

// --- registry ---------------------------------------------------------------------------------

llvm::Expected<std::unique_ptr<RegistryServer>> RegistryServer::start(RegistrySetup S) {
  auto R = std::unique_ptr<RegistryServer>(new RegistryServer());
  R->S = S;
  R->Dir = makeTempDir("ballast-registry");
  if (R->Dir.empty())
    return makeError("cannot make a temporary directory");
  llvm::sys::fs::create_directories(R->Dir + "/storage");
  llvm::sys::fs::create_directories(R->Dir + "/certs");
  std::string Out;
  std::string Extra;
  if (S == RegistrySetup::Tls) {
    std::string D = R->Dir + "/certs";
    std::string Cmd =
        "cd " + D +
        " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
        "-subj /CN=ballast-test-ca"
        " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
        "-subj /CN=127.0.0.1"
        " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf"
        " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out server.pem -days 2 -extfile ext.cnf && mkdir -p ../server && mv server.key "
        "server.pem server.csr ext.cnf ca.key ca.srl ../server/";
    if (shell(Cmd, &Out) != 0)
      return makeError("openssl could not make the test CA: " + Out);
    Extra += "  tls:\n    certificate: " + R->Dir + "/server/server.pem\n    key: " + R->Dir +
             "/server/server.key\n";
  }
  std::string Auth;
  if (S == RegistrySetup::Basic) {
    if (shell("htpasswd -Bbc " + R->Dir + "/htpasswd " + R->User + " " + R->Password, &Out) != 0)
      return makeError("htpasswd failed: " + Out);
    Auth = "auth:\n  htpasswd:\n    realm: ballast-test\n    path: " + R->Dir + "/htpasswd\n";
  }
  if (S == RegistrySetup::Token) {
    auto T = TokenServer::start(R->Dir, "ballast-test-issuer", "ballast-test-registry", R->User,
                                R->Password);
    if (!T)
      return T.takeError();
    R->Tokens = std::move(*T);
    Auth = "auth:\n  token:\n    realm: " + R->Tokens->realm() +
           "\n    service: ballast-test-registry\n    issuer: ballast-test-issuer\n"
           "    rootcertbundle: " +
           R->Tokens->certPath() + "\n";
  }
  for (int Try = 0; Try < 5; ++Try) {
    R->Port = freePort();
    std::string Config = "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n"
                         "storage:\n  filesystem:\n    rootdirectory: " +
                         R->Dir +
                         "/storage\n  delete:\n    enabled: true\n"
                         "  maintenance:\n    uploadpurging:\n      enabled: false\n"
                         "http:\n  addr: 127.0.0.1:" +
                         std::to_string(R->Port) + "\n  secret: ballast-test-secret\n" + Extra +
                         Auth;
    std::string ConfigPath = R->Dir + "/config.yml";
    FILE *F = fopen(ConfigPath.c_str(), "w");
    if (!F)
      return makeError(ConfigPath + ": " + strerror(errno));
    fputs(Config.c_str(), F);
    fclose(F);
    // The port was free when freePort released it, but anything may bind it before the registry
    // does: a listener on the port proves nothing. The registry logs "listening on ADDR" only
    // once it holds the socket, and fails with "address already in use" otherwise, so wait for
    // that line from this attempt while the process lives; if it died, try another port.
    uint64_t LogStart = 0;
    llvm::sys::fs::file_size(R->Dir + "/registry.log", LogStart);
    auto P = ChildProcess::start({"/usr/bin/docker-registry", "serve", ConfigPath},
                                 R->Dir + "/registry.log");
    if (!P)
      return P.takeError();
    R->Proc = std::move(*P);
    std::string Listening = "msg=\"listening on " + R->host();
    for (int I = 0; I < 400 && R->Proc->running(); ++I) {
      std::string Log = R->log();
      llvm::StringRef Mine =
          llvm::StringRef(Log).drop_front(std::min<uint64_t>(LogStart, Log.size()));
      size_t At = Mine.find(Listening);
      if (At != llvm::StringRef::npos) {
        llvm::StringRef After = Mine.drop_front(At + Listening.size());
        if ((After.startswith("\"") || After.startswith(",")) && waitForPort(R->Port) &&
            R->Proc->running())
          return R;
      }
      usleep(50 * 1000);
    }
    R->Proc->kill();
  }
  return makeError("docker-registry did not start; its log:\n" + R->log());
}

RegistryServer::~RegistryServer() {
  if (Proc)
    Proc->kill();
  Tokens.reset();
  if (!Dir.empty())
    llvm::sys::fs::remove_directories(Dir);
}

std::string RegistryServer::log() const {
  auto B = llvm::MemoryBuffer::getFile(Dir + "/registry.log");
  return B ? (*B)->getBuffer().str() : "";
}

// --- fault proxy ------------------------------------------------------------------------------

llvm::Expected<std::unique_ptr<FaultProxy>> FaultProxy::start(const std::string &Upstream) {
  auto P = std::unique_ptr<FaultProxy>(new FaultProxy());
  P->UpstreamHost = Upstream;
  if (llvm::StringRef(Upstream).rsplit(':').second.getAsInteger(10, P->UpstreamPort))
    return makeError("fault proxy: upstream must be host:port");
  P->ListenFd = listenOn(P->Port);
  P->StorageFd = listenOn(P->StoragePort);
  if (P->ListenFd < 0 || P->StorageFd < 0)
    return makeError("fault proxy cannot listen");
  P->Acceptor = std::thread([Q = P.get()] { Q->acceptLoop(Q->ListenFd, false); });
  P->StorageAcceptor = std::thread([Q = P.get()] { Q->acceptLoop(Q->StorageFd, true); });
  return P;
}

FaultProxy::~FaultProxy() {
  Stopping = true;
  shutdown(ListenFd, SHUT_RDWR);
  shutdown(StorageFd, SHUT_RDWR);
  Acceptor.join();
  StorageAcceptor.join();
  {
    std::lock_guard<std::mutex> L(Mu);
    for (int Fd : Conns)
      shutdown(Fd, SHUT_RDWR);
  }
  for (auto &T : Threads)
    T.join();
  ::close(ListenFd);
  ::close(StorageFd);
}

void FaultProxy::add(Fault F) {
  std::lock_guard<std::mutex> L(Mu);
  Faults.push_back(std::move(F));
}
void FaultProxy::clearFaults() {
  std::lock_guard<std::mutex> L(Mu);
  Faults.clear();
}
std::vector<SeenRequest> FaultProxy::seen() {
  std::lock_guard<std::mutex> L(Mu);
  return Seen;
}
void FaultProxy::clearSeen() {
  std::lock_guard<std::mutex> L(Mu);
  Seen.clear();
}

std::optional<Fault> FaultProxy::match(const std::string &Method, const std::string &Path) {
  std::lock_guard<std::mutex> L(Mu);
  for (auto It = Faults.begin(); It != Faults.end(); ++It) {
    if ((!It->Method.empty() && It->Method != Method) ||
        (!It->PathContains.empty() && Path.find(It->PathContains) == std::string::npos) ||
        It->Count == 0)
      continue;
    Fault F = *It;
    if (It->Count > 0)
      --It->Count;
    return F;
  }
  return std::nullopt;
}

void FaultProxy::acceptLoop(int LFd, bool Storage) {
  for (;;) {
    int Fd = accept4(LFd, nullptr, nullptr, SOCK_CLOEXEC);
    if (Fd < 0) {
      if (Stopping)
        return;
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      return;
    }
    int One = 1;
    setsockopt(Fd, IPPROTO_TCP, TCP_NODELAY, &One, sizeof One);
    std::lock_guard<std::mutex> L(Mu);
    Conns.push_back(Fd);
    Threads.emplace_back([this, Fd, Storage] { serveConn(Fd, Storage); });
  }
}

void FaultProxy::serveConn(int Fd, bool Storage) {
  std::string Buf, HeadText;
  bool Closed = false;
  while (!Closed && readHead(Fd, Buf, HeadText)) {
    ParsedHead H = parseHead(HeadText);
    size_t Len = 0;
    llvm::StringRef(H.get("content-length")).getAsInteger(10, Len);
    std::string Body;
    if (!readBody(Fd, Buf, Len, Body))
      break;
    llvm::StringRef First = H.First;
    std::string Method = First.split(' ').first.str();
    std::string Path = First.split(' ').second.split(' ').first.str();
    SeenRequest SR{Method, Path, {}, Storage};
    for (auto &[K, V] : H.Headers)
      SR.Headers[llvm::StringRef(K).lower()] = V;
    {
      std::lock_guard<std::mutex> L(Mu);
      Seen.push_back(SR);
    }
    std::optional<Fault> F;
    if (Storage) {
      // /storage/<id>: serve the blob the redirect stood for, with the registry's credentials.
      std::pair<std::string, std::string> Target;
      {
        std::lock_guard<std::mutex> L(Mu);
        auto It = Redirects.find(Path);
        if (It == Redirects.end()) {
          sendAll(Fd, std::string("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
          continue;
        }
        Target = It->second;
      }
      H.First = Method + " " + Target.first + " HTTP/1.1";
      H.remove("authorization");
      if (!Target.second.empty())
        H.Headers.emplace_back("Authorization", Target.second);
    } else {
      F = match(Method, Path);
    }
    if (F && F->K == Fault::Status) {
      std::string B = R"({"errors":[{"code":"INJECTED","message":"injected failure )" +
                      std::to_string(F->Code) + R"("}]})";
      std::string R = "HTTP/1.1 " + std::to_string(F->Code) +
                      " Injected\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(B.size()) + "\r\n";
      if (!F->RetryAfter.empty())
        R += "Retry-After: " + F->RetryAfter + "\r\n";
      R += "\r\n";
      if (Method != "HEAD")
        R += B;
      if (!sendAll(Fd, R))
        break;
      continue;
    }
    if (F && F->K == Fault::Redirect) {
      static std::atomic<unsigned> N{0};
      std::string Id = "/storage/" + std::to_string(++N);
      {
        std::lock_guard<std::mutex> L(Mu);
        Redirects[Id] = {Path, H.get("authorization")};
      }
      std::string R = "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://localhost:" +
                      std::to_string(StoragePort) + Id + "\r\nContent-Length: 0\r\n\r\n";
      if (!sendAll(Fd, R))
        break;
      continue;
    }
    if (F && F->K == Fault::IgnoreRange)
      H.remove("range");
    // Forward on a fresh upstream connection that closes after the answer.
    int Up = connectTo(UpstreamPort);
    if (Up < 0)
      break;
    H.remove("connection");
    H.Headers.emplace_back("Connection", "close");
    if (!sendAll(Up, H.str()) || !sendAll(Up, Body)) {
      ::close(Up);
      break;
    }
    std::string UpBuf, RespHead;
    if (!readHead(Up, UpBuf, RespHead)) {
      ::close(Up);
      break;
    }
    if (F && F->K == Fault::DropAnswer) {
      ::close(Up);
      {
        std::lock_guard<std::mutex> L(Mu);
        Conns.erase(std::remove(Conns.begin(), Conns.end(), Fd), Conns.end());
      }
      hardClose(Fd);
      return;
    }
    ParsedHead RH = parseHead(RespHead);
    RH.remove("connection");
    if (!sendAll(Fd, RH.str())) {
      ::close(Up);
      break;
    }
    int64_t Sent = 0;
    bool Stop = false;
    auto Relay = [&](std::string Chunk) -> bool {
      if (F && F->K == Fault::Corrupt && F->Bytes >= Sent &&
          F->Bytes < Sent + int64_t(Chunk.size()))
        Chunk[F->Bytes - Sent] ^= 0x5a;
      if (F && (F->K == Fault::DropAfter || F->K == Fault::Truncate) &&
          Sent + int64_t(Chunk.size()) >= F->Bytes) {
        sendAll(Fd, Chunk.data(), F->Bytes - Sent);
        {
          std::lock_guard<std::mutex> L(Mu);
          Conns.erase(std::remove(Conns.begin(), Conns.end(), Fd), Conns.end());
        }
        if (F->K == Fault::DropAfter)
          hardClose(Fd);
        else {
          shutdown(Fd, SHUT_RDWR);
          ::close(Fd);
        }
        Closed = Stop = true;
        return false;
      }
      if (F && F->K == Fault::Hold && !Released && Sent + int64_t(Chunk.size()) >= F->Bytes) {
        size_t Head = F->Bytes - Sent;
        if (!sendAll(Fd, Chunk.data(), Head))
          return false;
        Sent += Head;
        Chunk.erase(0, Head);
        // Stall until released; a client that hangs up (or is killed) ends the connection.
        ++Holding;
        bool Gone = false;
        while (!Released && !Stopping && !Gone) {
          pollfd Pfd{Fd, POLLRDHUP, 0};
          Gone = poll(&Pfd, 1, 50) > 0 && (Pfd.revents & (POLLRDHUP | POLLHUP | POLLERR));
        }
        --Holding;
        if (Gone || Stopping)
          return false;
      }
      if (F && F->K == Fault::Throttle && F->Bytes > 0) {
        for (size_t Off = 0; Off < Chunk.size(); Off += F->Bytes) {
          size_t N = std::min<size_t>(F->Bytes, Chunk.size() - Off);
          if (!sendAll(Fd, Chunk.data() + Off, N))
            return false;
          Sent += N;
          usleep(20 * 1000);
          if (Stopping)
            return false;
        }
        return true;
      }
      Sent += Chunk.size();
      return sendAll(Fd, Chunk);
    };
    bool Ok = UpBuf.empty() || Relay(std::move(UpBuf));
    while (Ok && !Stop) {
      char Tmp[65536];
      ssize_t N = ::recv(Up, Tmp, sizeof Tmp, 0);
      if (N < 0 && errno == EINTR)
        continue;
      if (N <= 0)
        break;
      Ok = Relay(std::string(Tmp, N));
    }
    ::close(Up);
    if (Closed)
      return;
    if (!Ok)
      break;
  }
  ::close(Fd);
  std::lock_guard<std::mutex> L(Mu);
  Conns.erase(std::remove(Conns.begin(), Conns.end(), Fd), Conns.end());
}

} // namespace ballast::registry::testing

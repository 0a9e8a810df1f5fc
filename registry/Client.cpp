//===- Client.cpp - OCI distribution / Docker Registry HTTP API v2 client --===//
#include "registry/Client.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "oci/Manifest.h"
#include "oci/MediaTypes.h"
#include "support/Errors.h"
#include "support/Hash.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using nlohmann::json;

namespace ballast::registry {

namespace {

/// A file descriptor closed on scope exit.
struct FdGuard {
  int Fd = -1;
  ~FdGuard() {
    if (Fd >= 0)
      ::close(Fd);
  }
};

bool isRetryableStatus(long S) { return S == 429 || S == 500 || S == 502 || S == 503 || S == 504; }

std::string joinScopes(const std::vector<std::string> &Scopes) {
  std::vector<std::string> S = Scopes;
  llvm::sort(S);
  S.erase(std::unique(S.begin(), S.end()), S.end());
  return llvm::join(S, " ");
}

/// Appends `key=value` to a URL that may already have a query.
std::string withQuery(llvm::StringRef Url, llvm::StringRef KV) {
  return (Url + (Url.contains('?') ? "&" : "?") + KV).str();
}

std::string transportMessage(llvm::StringRef Host, const HttpResponse &R) {
  return ("cannot reach registry " + Host + ": " + R.CurlError).str();
}

} // namespace

bool isLocalHost(llvm::StringRef Host) {
  llvm::StringRef H = Host;
  if (H.startswith("[")) {
    H = H.drop_front().take_until([](char C) { return C == ']'; });
    return H == "::1";
  }
  H = H.take_until([](char C) { return C == ':'; });
  return H == "localhost" || H.startswith("127.");
}

llvm::Error registryError(llvm::StringRef What, const HttpResponse &R) {
  if (R.transportFailed())
    return makeError(What + ": " + R.CurlError);
  std::string Detail;
  json J = json::parse(R.Body, nullptr, false);
  if (!J.is_discarded() && J.is_object() && J.contains("errors") && J["errors"].is_array()) {
    std::vector<std::string> Parts;
    for (auto &E : J["errors"]) {
      if (!E.is_object())
        continue;
      std::string Code =
          E.contains("code") && E["code"].is_string() ? E["code"].get<std::string>() : "";
      std::string Msg =
          E.contains("message") && E["message"].is_string() ? E["message"].get<std::string>() : "";
      Parts.push_back(Code.empty() ? Msg : Msg.empty() ? Code : Code + ": " + Msg);
    }
    Detail = llvm::join(Parts, "; ");
  } else if (!J.is_discarded() && J.is_object() && J.contains("details") &&
             J["details"].is_string()) {
    Detail = J["details"].get<std::string>(); // token servers
  } else {
    Detail = llvm::StringRef(R.Body).trim().take_front(200).str();
  }
  std::string Hint;
  if (R.Status == 401)
    Hint = "; check the credentials (ballast login)";
  else if (R.Status == 403)
    Hint = "; the credentials lack access to this repository";
  if (Detail.empty())
    return makeError(What + ": HTTP " + llvm::Twine(R.Status) + Hint);
  return makeError(What + ": " + Detail + " (HTTP " + llvm::Twine(R.Status) + ")" + Hint);
}

Client::Client(std::string H, ClientOptions O) : Host(std::move(H)), Opts(std::move(O)) {}
Client::~Client() = default;

llvm::Expected<std::unique_ptr<Client>> Client::create(llvm::StringRef Host, ClientOptions Opts) {
  if (Host.empty() || Host.contains('/'))
    return makeError("invalid registry host \"" + Host + "\"; expected host[:port]");
  std::unique_ptr<Client> C(new Client(Host.str(), std::move(Opts)));
  bool Local = isLocalHost(C->Host);
  C->Tls.Verify = C->Opts.TlsVerify.value_or(!Local);
  std::string Dir = C->Opts.CertDir;
  if (Dir.empty()) {
    const char *Root = getenv("BALLAST_CERTS_D");
    Dir = std::string(Root && *Root ? Root : "/etc/docker/certs.d") + "/" + C->Host;
    if (!llvm::sys::fs::is_directory(Dir))
      Dir.clear();
  } else if (!llvm::sys::fs::is_directory(Dir)) {
    return makeError("certificate directory " + Dir + " does not exist; check --cert-dir");
  }
  if (!Dir.empty()) {
    std::error_code EC;
    std::vector<std::string> Names;
    for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC))
      Names.push_back(It->path());
    llvm::sort(Names);
    for (auto &P : Names) {
      llvm::StringRef Ext = llvm::sys::path::extension(P);
      if (Ext == ".crt") {
        auto B = llvm::MemoryBuffer::getFile(P);
        if (!B)
          return makeError(P + ": " + B.getError().message());
        C->Tls.ExtraCAs += (*B)->getBuffer().str() + "\n";
      } else if (Ext == ".cert") {
        C->Tls.ClientCert = P;
        C->Tls.ClientKey = (llvm::StringRef(P).drop_back(5) + ".key").str();
      }
    }
  }
  return C;
}

ClientStats Client::stats() const {
  return {NRequests.load(), NTokens.load(), NRetries.load(), NResumes.load()};
}

std::string Client::baseUrl() {
  std::lock_guard<std::mutex> L(Mu);
  return Base;
}

llvm::Expected<std::optional<Credentials>> Client::credentials() {
  std::lock_guard<std::mutex> L(Mu);
  if (CredsLoaded)
    return Creds;
  if (Opts.Creds) {
    Creds = Opts.Creds;
  } else {
    auto Cfg =
        DockerConfig::load(Opts.DockerConfigDir.empty() ? dockerConfigDir() : Opts.DockerConfigDir);
    if (!Cfg)
      return Cfg.takeError();
    auto C = Cfg->get(Host);
    if (!C)
      return C.takeError();
    Creds = *C;
  }
  CredsLoaded = true;
  return Creds;
}

void Client::backoff(unsigned Attempt, const HttpResponse &R) {
  ++NRetries;
  uint64_t Ms = std::min<uint64_t>(Opts.MaxBackoffMs, uint64_t(Opts.BackoffMs) << Attempt);
  if (std::string RA = R.header("retry-after"); !RA.empty()) {
    unsigned Secs = 0;
    if (!llvm::StringRef(RA).trim().getAsInteger(10, Secs))
      Ms = std::min<uint64_t>(uint64_t(Secs) * 1000, 60000);
  }
  thread_local std::mt19937 Rng{std::random_device{}()};
  Ms += std::uniform_int_distribution<uint64_t>(0, Ms / 4)(Rng);
  std::this_thread::sleep_for(std::chrono::milliseconds(Ms));
}

HttpResponse Client::sendOnce(HttpRequest &R) {
  ++NRequests;
  R.Tls = Tls;
  R.LowSpeedTimeSec = Opts.LowSpeedTimeSec;
  return T.send(R);
}

HttpResponse Client::sendRetrying(HttpRequest &R, const std::function<void(HttpRequest &)> &Before,
                                  unsigned &Attempt) {
  for (;;) {
    if (Before)
      Before(R);
    HttpResponse Resp = sendOnce(R);
    bool Retry = (Resp.transportFailed() && Resp.transient() && Resp.SinkBytes == 0) ||
                 (!Resp.transportFailed() && isRetryableStatus(Resp.Status));
    if (!Retry || Attempt + 1 >= Opts.MaxAttempts)
      return Resp;
    backoff(Attempt++, Resp);
  }
}

llvm::Error Client::ensureBase() {
  {
    std::lock_guard<std::mutex> L(Mu);
    if (!Base.empty())
      return llvm::Error::success();
  }
  // Insecure registries (asked for, or local ones) are tried over HTTPS first and over plain
  // HTTP when the TLS handshake fails, as Docker does.
  bool MayFallBack = !Tls.Verify;
  HttpRequest R;
  R.Url = "https://" + Host + "/v2/";
  unsigned Attempt = 0;
  HttpResponse Resp = sendRetrying(R, {}, Attempt);
  std::string Scheme = "https";
  if (Resp.transportFailed() && MayFallBack) {
    HttpRequest P;
    P.Url = "http://" + Host + "/v2/";
    Attempt = 0;
    HttpResponse Plain = sendRetrying(P, {}, Attempt);
    if (!Plain.transportFailed()) {
      Resp = std::move(Plain);
      Scheme = "http";
    }
  }
  if (Resp.transportFailed()) {
    std::string Hint;
    if (Resp.CurlCode == 60 /*CURLE_PEER_FAILED_VERIFICATION*/)
      Hint = "; add its CA with --cert-dir, or use --tls-verify=false for a registry you trust";
    return makeError(transportMessage(Host, Resp) + Hint);
  }
  std::lock_guard<std::mutex> L(Mu);
  // Several transfer threads may probe at once: the first answer wins and Base never changes
  // after it is set, so the threads that read it without the lock never see it reallocated.
  if (!Base.empty())
    return llvm::Error::success();
  Base = Scheme + "://" + Host;
  if (Resp.Status == 401) {
    for (auto &C : parseChallenges(Resp.header("www-authenticate")))
      if (C.Scheme == "bearer" || (C.Scheme == "basic" && !Chal)) {
        Chal = C;
        if (C.Scheme == "bearer")
          break;
      }
  }
  return llvm::Error::success();
}

llvm::Expected<Token> Client::fetchToken(const Challenge &C,
                                         const std::vector<std::string> &Scopes) {
  auto Realm = C.Params.find("realm");
  if (Realm == C.Params.end() || Realm->second.empty())
    return makeError("registry " + Host + " asked for a bearer token without a realm");
  auto Cr = credentials();
  if (!Cr)
    return Cr.takeError();
  std::vector<std::string> All = Scopes;
  if (auto S = C.Params.find("scope"); S != C.Params.end() && !S->second.empty()) {
    llvm::SmallVector<llvm::StringRef, 4> Parts;
    llvm::StringRef(S->second).split(Parts, ' ', -1, false);
    for (auto P : Parts)
      All.push_back(P.str());
  }
  llvm::sort(All);
  All.erase(std::unique(All.begin(), All.end()), All.end());
  std::string Service = C.Params.count("service") ? C.Params.at("service") : "";
  HttpRequest R;
  if (*Cr && !(*Cr)->IdentityToken.empty()) {
    // OAuth2 refresh-token grant (what Docker does with an identity token).
    R.Method = "POST";
    R.Url = Realm->second;
    R.Headers.push_back("Content-Type: application/x-www-form-urlencoded");
    R.Body = "grant_type=refresh_token&client_id=ballast&refresh_token=" +
             urlEncode((*Cr)->IdentityToken) + "&service=" + urlEncode(Service);
    if (!All.empty())
      R.Body += "&scope=" + urlEncode(llvm::join(All, " "));
  } else {
    R.Url = Realm->second;
    if (!Service.empty())
      R.Url = withQuery(R.Url, "service=" + urlEncode(Service));
    for (auto &S : All)
      R.Url = withQuery(R.Url, "scope=" + urlEncode(S));
    if (*Cr && !(*Cr)->Username.empty())
      R.Headers.push_back("Authorization: Basic " +
                          base64Encode((*Cr)->Username + ":" + (*Cr)->Password));
  }
  ++NTokens;
  unsigned Attempt = 0;
  HttpResponse Resp = sendRetrying(R, {}, Attempt);
  if (Resp.transportFailed())
    return makeError("cannot reach the token server " + Realm->second + ": " + Resp.CurlError);
  if (Resp.Status == 401 || Resp.Status == 403)
    return registryError("authentication to " + Host + " failed", Resp);
  if (Resp.Status != 200)
    return registryError("token server " + Realm->second + " refused a token", Resp);
  return parseTokenResponse(Resp.Body, std::chrono::steady_clock::now());
}

llvm::Expected<std::string> Client::authorization(const std::vector<std::string> &Scopes,
                                                  bool Fresh) {
  std::optional<Challenge> C;
  std::string Key = joinScopes(Scopes);
  {
    std::lock_guard<std::mutex> L(Mu);
    C = Chal;
    if (!C)
      return "";
    if (C->Scheme == "bearer" && !Fresh) {
      auto It = Tokens.find(Key);
      if (It != Tokens.end() && It->second.Expires > std::chrono::steady_clock::now())
        return "Bearer " + It->second.Value;
    }
  }
  if (C->Scheme == "basic") {
    auto Cr = credentials();
    if (!Cr)
      return Cr.takeError();
    if (!*Cr || (*Cr)->Username.empty())
      return "";
    return "Basic " + base64Encode((*Cr)->Username + ":" + (*Cr)->Password);
  }
  if (C->Scheme != "bearer")
    return makeError("registry " + Host + " asks for unsupported authentication \"" + C->Scheme +
                     "\"");
  auto Tok = fetchToken(*C, Scopes);
  if (!Tok)
    return Tok.takeError();
  std::lock_guard<std::mutex> L(Mu);
  Tokens[Key] = *Tok;
  return "Bearer " + Tok->Value;
}

llvm::Expected<HttpResponse> Client::request(HttpRequest &R, const std::vector<std::string> &Scopes,
                                             const std::function<void(HttpRequest &)> &Before) {
  if (auto E = ensureBase())
    return E;
  bool Reauthed = false;
  unsigned Attempt = 0, Redirects = 0;
  std::string Url = R.Url;
  for (;;) {
    auto Auth = authorization(Scopes, false);
    if (!Auth)
      return Auth.takeError();
    std::vector<std::string> BaseHeaders = R.Headers;
    auto Prepare = [&](HttpRequest &Q) {
      if (Before)
        Before(Q);
      // Credentials only go to the registry itself, never to a redirect's other host.
      Q.Headers.erase(std::remove_if(Q.Headers.begin(), Q.Headers.end(),
                                     [](const std::string &H) {
                                       return llvm::StringRef(H).startswith_insensitive(
                                           "authorization:");
                                     }),
                      Q.Headers.end());
      if (!Auth->empty() && urlAuthority(Q.Url) == urlAuthority(Base + "/"))
        Q.Headers.push_back("Authorization: " + *Auth);
    };
    R.Url = Url;
    HttpResponse Resp = sendRetrying(R, Prepare, Attempt);
    R.Headers = BaseHeaders;
    R.Url = Url;
    if (Resp.transportFailed()) {
      if (Resp.SinkBytes || Resp.CurlCode == 23 /*CURLE_WRITE_ERROR: the sink stopped*/)
        return Resp; // the caller resumes or reports
      return makeError(transportMessage(Host, Resp));
    }
    if (Resp.Status == 401 && !Reauthed && urlAuthority(Url) == urlAuthority(Base + "/")) {
      Reauthed = true;
      std::optional<Challenge> New;
      for (auto &C : parseChallenges(Resp.header("www-authenticate")))
        if (C.Scheme == "bearer" || (C.Scheme == "basic" && !New))
          New = C;
      if (!New)
        return Resp;
      {
        std::lock_guard<std::mutex> L(Mu);
        Chal = New;
        Tokens.erase(joinScopes(Scopes));
      }
      continue;
    }
    if (Resp.Status >= 300 && Resp.Status < 400 && Resp.Status != 304 &&
        !Resp.RedirectUrl.empty()) {
      if (++Redirects > 10)
        return makeError("registry " + Host + " redirected more than 10 times");
      Url = Resp.RedirectUrl;
      continue;
    }
    return Resp;
  }
}

llvm::Error Client::ping() {
  HttpRequest R;
  if (auto E = ensureBase())
    return E;
  R.Url = baseUrl() + "/v2/";
  bool HasChallenge;
  {
    std::lock_guard<std::mutex> L(Mu);
    HasChallenge = Chal.has_value();
  }
  if (HasChallenge) {
    // Verify the credentials: a token for no scope (bearer) or the Basic header itself.
    auto Auth = authorization({}, true);
    if (!Auth)
      return Auth.takeError();
  }
  auto Resp = request(R, {});
  if (!Resp)
    return Resp.takeError();
  if (Resp->Status != 200)
    return registryError("registry " + Host + " refused the credentials", *Resp);
  return llvm::Error::success();
}

llvm::Expected<ManifestResponse> Client::getManifest(llvm::StringRef Repo, llvm::StringRef Ident) {
  if (auto E = ensureBase())
    return E;
  HttpRequest R;
  R.Url = baseUrl() + "/v2/" + Repo.str() + "/manifests/" + Ident.str();
  R.Headers.push_back(std::string("Accept: ") + oci::media::AcceptManifests);
  R.MaxBody = 8u << 20;
  auto Resp = request(R, {repositoryScope(Repo, "pull")});
  if (!Resp)
    return Resp.takeError();
  std::string What = (Host + "/" + Repo + (Ident.startswith("sha256:") ? "@" : ":") + Ident).str();
  if (Resp->Status != 200)
    return registryError(What, *Resp);
  ManifestResponse M;
  M.Raw = std::move(Resp->Body);
  M.Dig = oci::Digest::sha256Of(M.Raw);
  std::string CT = llvm::StringRef(Resp->header("content-type")).split(';').first.trim().str();
  M.MediaType =
      oci::media::isIndex(CT) || oci::media::isManifest(CT) ? CT : oci::sniffMediaType(M.Raw);
  if (Ident.contains(':')) {
    auto Want = oci::Digest::parse(Ident);
    if (!Want)
      return Want.takeError();
    if (*Want != M.Dig && Want->algorithm() == "sha256")
      return makeError(What + ": the registry served a manifest whose digest is " + M.Dig.str() +
                       "; refusing it");
  } else if (std::string H = Resp->header("docker-content-digest");
             !H.empty() && llvm::StringRef(H).startswith("sha256:") && H != M.Dig.str()) {
    return makeError(What + ": the manifest's digest " + M.Dig.str() +
                     " differs from Docker-Content-Digest " + H + "; refusing it");
  }
  return M;
}

llvm::Expected<std::optional<oci::Descriptor>> Client::headManifest(llvm::StringRef Repo,
                                                                    llvm::StringRef Ident) {
  if (auto E = ensureBase())
    return E;
  HttpRequest R;
  R.Method = "HEAD";
  R.Url = baseUrl() + "/v2/" + Repo.str() + "/manifests/" + Ident.str();
  R.Headers.push_back(std::string("Accept: ") + oci::media::AcceptManifests);
  auto Resp = request(R, {repositoryScope(Repo, "pull")});
  if (!Resp)
    return Resp.takeError();
  if (Resp->Status == 404)
    return std::nullopt;
  if (Resp->Status != 200)
    return registryError((Host + "/" + Repo + ":" + Ident).str(), *Resp);
  oci::Descriptor D;
  D.MediaType = llvm::StringRef(Resp->header("content-type")).split(';').first.trim().str();
  std::string H = Resp->header("docker-content-digest");
  if (H.empty())
    return std::optional<oci::Descriptor>(); // nothing to compare with: the caller GETs
  auto Dig = oci::Digest::parse(H);
  if (!Dig)
    return Dig.takeError();
  D.Dig = *Dig;
  llvm::StringRef(Resp->header("content-length")).getAsInteger(10, D.Size);
  return std::optional<oci::Descriptor>(D);
}

llvm::Expected<oci::Digest> Client::putManifest(llvm::StringRef Repo, llvm::StringRef Ident,
                                                llvm::StringRef Raw, llvm::StringRef MediaType) {
  if (auto E = ensureBase())
    return E;
  HttpRequest R;
  R.Method = "PUT";
  R.Url = baseUrl() + "/v2/" + Repo.str() + "/manifests/" + Ident.str();
  R.Headers.push_back("Content-Type: " + MediaType.str());
  R.Body = Raw.str();
  auto Resp = request(R, {repositoryScope(Repo, "pull,push")});
  if (!Resp)
    return Resp.takeError();
  if (Resp->Status != 201 && Resp->Status != 200)
    return registryError(("push manifest to " + Host + "/" + Repo + ":" + Ident).str(), *Resp);
  oci::Digest Local = oci::Digest::sha256Of(Raw);
  if (std::string H = Resp->header("docker-content-digest"); !H.empty() && H != Local.str())
    return makeError("registry " + Host + " stored the manifest as " + H + " but it is " +
                     Local.str());
  return Local;
}

llvm::Error Client::deleteManifest(llvm::StringRef Repo, llvm::StringRef Ident) {
  if (auto E = ensureBase())
    return E;
  auto Delete = [&](llvm::StringRef Id) -> llvm::Expected<HttpResponse> {
    HttpRequest R;
    R.Method = "DELETE";
    R.Url = baseUrl() + "/v2/" + Repo.str() + "/manifests/" + Id.str();
    return request(R, {repositoryScope(Repo, "delete"), repositoryScope(Repo, "pull")});
  };
  auto Resp = Delete(Ident);
  if (!Resp)
    return Resp.takeError();
  if (Resp->Status == 202 || Resp->Status == 200)
    return llvm::Error::success();
  std::string What = ("delete " + Host + "/" + Repo + ":" + Ident).str();
  bool Refused = Resp->Status == 400 || Resp->Status == 405 ||
                 llvm::StringRef(Resp->Body).contains("UNSUPPORTED");
  if (Ident.contains(':') || !Refused)
    return registryError(What, *Resp);
  // Registries that refuse tag deletes (distribution does) delete by digest.
  auto D = headManifest(Repo, Ident);
  if (!D)
    return D.takeError();
  if (!*D) {
    auto M = getManifest(Repo, Ident);
    if (!M)
      return M.takeError();
    *D = oci::Descriptor{M->MediaType, M->Dig, int64_t(M->Raw.size())};
  }
  auto Again = Delete((*D)->Dig.str());
  if (!Again)
    return Again.takeError();
  if (Again->Status == 202 || Again->Status == 200)
    return llvm::Error::success();
  return registryError(What, *Again);
}

llvm::Expected<std::vector<std::string>> Client::listTags(llvm::StringRef Repo) {
  if (auto E = ensureBase())
    return E;
  std::vector<std::string> Tags;
  std::string Url = baseUrl() + "/v2/" + Repo.str() + "/tags/list";
  for (int Page = 0; Page < 10000 && !Url.empty(); ++Page) {
    HttpRequest R;
    R.Url = Url;
    auto Resp = request(R, {repositoryScope(Repo, "pull")});
    if (!Resp)
      return Resp.takeError();
    if (Resp->Status != 200)
      return registryError(("list tags of " + Host + "/" + Repo).str(), *Resp);
    json J = json::parse(Resp->Body, nullptr, false);
    if (J.is_discarded() || !J.is_object())
      return makeError("list tags of " + Host + "/" + Repo + ": the answer is not JSON");
    if (J.contains("tags") && J["tags"].is_array())
      for (auto &T : J["tags"])
        if (T.is_string())
          Tags.push_back(T.get<std::string>());
    // Link: </v2/x/tags/list?n=100&last=y>; rel="next"
    Url.clear();
    std::string LinkStr = Resp->header("link");
    llvm::StringRef Link = LinkStr;
    if (Link.contains("rel=\"next\"") && Link.contains('<')) {
      llvm::StringRef Target = Link.split('<').second.split('>').first;
      Url = resolveUrl(R.Url, Target);
    }
  }
  return Tags;
}

llvm::Expected<bool> Client::hasBlob(llvm::StringRef Repo, const oci::Digest &D) {
  if (auto E = ensureBase())
    return E;
  HttpRequest R;
  R.Method = "HEAD";
  R.Url = baseUrl() + "/v2/" + Repo.str() + "/blobs/" + D.str();
  auto Resp = request(R, {repositoryScope(Repo, "pull")});
  if (!Resp)
    return Resp.takeError();
  if (Resp->Status == 200)
    return true;
  if (Resp->Status == 404)
    return false;
  return registryError(("check blob " + D.str() + " in " + Host + "/" + Repo).str(), *Resp);
}

llvm::Expected<std::string> Client::fetchBlob(llvm::StringRef Repo, const oci::Descriptor &D) {
  if (auto E = ensureBase())
    return E;
  for (unsigned Try = 0;; ++Try) {
    HttpRequest R;
    R.Url = baseUrl() + "/v2/" + Repo.str() + "/blobs/" + D.Dig.str();
    R.MaxBody = std::max<size_t>(D.Size + 1, 1);
    std::string Body;
    R.Sink = [&](const HttpResponse &, const char *P, size_t N) {
      if (Body.size() + N > size_t(D.Size))
        return false;
      Body.append(P, N);
      return true;
    };
    auto Resp = request(R, {repositoryScope(Repo, "pull")});
    if (!Resp)
      return Resp.takeError();
    std::string What = ("blob " + D.Dig.str() + " from " + Host + "/" + Repo).str();
    if (!Resp->transportFailed() && Resp->Status != 200)
      return registryError(What, *Resp);
    bool Ok = !Resp->transportFailed() && oci::Digest::sha256Of(Body) == D.Dig;
    if (Ok)
      return Body;
    if (Try + 1 >= Opts.MaxAttempts)
      return makeError(What + (Resp->transportFailed()
                                   ? ": " + Resp->CurlError
                                   : std::string(": the bytes do not match the digest")));
    backoff(Try, *Resp);
  }
}

llvm::Error Client::downloadBlob(llvm::StringRef Repo, const oci::Descriptor &D,
                                 llvm::StringRef Path, const ProgressFn &Progress) {
  if (auto E = ensureBase())
    return E;
  std::string What = ("blob " + D.Dig.str() + " from " + Host + "/" + Repo).str();
  FdGuard F;
  F.Fd = ::open(Path.str().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (F.Fd < 0)
    return makeError(Path + ": " + strerror(errno));
  auto Hash = std::make_unique<Sha256>();
  int64_t Offset = 0; // bytes received and hashed; the last Pending.size() not written yet
  // libcurl hands the body over in pieces of its buffer size: gather them into 256 KiB writes
  // (16x fewer system calls, and a killed pull still leaves most of a small layer to resume).
  constexpr size_t WriteSize = 256 << 10;
  std::vector<char> Pending;
  Pending.reserve(WriteSize);
  std::string WriteError;
  auto Flush = [&]() -> bool {
    size_t Done = 0;
    while (Done < Pending.size()) {
      ssize_t W = ::write(F.Fd, Pending.data() + Done, Pending.size() - Done);
      if (W < 0) {
        if (errno == EINTR)
          continue;
        WriteError = Path.str() + ": " + strerror(errno);
        return false;
      }
      Done += W;
    }
    Pending.clear();
    return true;
  };
  auto Restart = [&]() -> bool {
    Hash = std::make_unique<Sha256>();
    Offset = 0;
    Pending.clear();
    return ::ftruncate(F.Fd, 0) == 0 && ::lseek(F.Fd, 0, SEEK_SET) == 0;
  };
  // Take over what an earlier, interrupted download left (hashing it again).
  struct stat St;
  if (::fstat(F.Fd, &St) == 0 && St.st_size > 0) {
    if (D.Size >= 0 && St.st_size > D.Size) {
      if (!Restart())
        return makeError(Path + ": " + strerror(errno));
    } else {
      std::vector<char> Buf(1 << 20);
      for (;;) {
        ssize_t N = ::read(F.Fd, Buf.data(), Buf.size());
        if (N < 0)
          return makeError(Path + ": " + strerror(errno));
        if (N == 0)
          break;
        Hash->update(Buf.data(), N);
        Offset += N;
      }
      ++NResumes;
    }
  }
  unsigned Failures = 0, DigestFailures = 0;
  bool NoRange = false;
  for (;;) {
    if (Progress)
      Progress(Offset);
    if (D.Size >= 0 && Offset == D.Size) {
      oci::Digest Got = oci::Digest::fromSha256Hex(Hash->finishHex());
      Hash.reset();
      // No fsync here: the store fsyncs the verified file as it renames it into blobs/
      // (adoptIngest); an ingest file lost in a crash is only a download to repeat.
      if (Got == D.Dig)
        return llvm::Error::success();
      // Wrong bytes: discard them; try once more from scratch, then give up.
      if (!Restart())
        return makeError(Path + ": " + strerror(errno));
      if (++DigestFailures >= 2) {
        ::unlink(Path.str().c_str());
        return makeError(What + " has digest " + Got.str() +
                         ", not the one asked for; the registry serves corrupt data, the "
                         "download was discarded");
      }
      continue;
    }
    HttpRequest R;
    R.Url = baseUrl() + "/v2/" + Repo.str() + "/blobs/" + D.Dig.str();
    bool First = true;
    bool Mismatch = false;
    R.Sink = [&](const HttpResponse &Head, const char *P, size_t N) {
      if (First) {
        First = false;
        if (Offset > 0 && Head.Status == 200) {
          // The server ignored Range: start over with the whole body.
          if (!Restart()) {
            WriteError = strerror(errno);
            return false;
          }
        } else if (Head.Status == 206) {
          std::string CRStr = Head.header("content-range"); // bytes S-E/T
          llvm::StringRef CR = CRStr;
          int64_t Start = -1;
          CR.consume_front("bytes ");
          if (CR.split('-').first.trim().getAsInteger(10, Start) || Start != Offset) {
            Mismatch = true;
            return false;
          }
        } else if (Head.Status != 200) {
          Mismatch = true;
          return false;
        }
      }
      if (D.Size >= 0 && Offset + int64_t(N) > D.Size) {
        WriteError = "the registry sent more bytes than the blob's size " + std::to_string(D.Size);
        return false;
      }
      Pending.insert(Pending.end(), P, P + N);
      if (Pending.size() >= WriteSize && !Flush())
        return false;
      Hash->update(P, N);
      Offset += N;
      if (Progress)
        Progress(Offset);
      return true;
    };
    auto Before = [&](HttpRequest &Q) {
      Q.Headers.clear();
      First = true;
      if (Offset > 0 && !NoRange)
        Q.Headers.push_back("Range: bytes=" + std::to_string(Offset) + "-");
    };
    int64_t Had = Offset;
    auto Resp = request(R, {repositoryScope(Repo, "pull")}, Before);
    // What arrived before a failure is kept: a resume appends to it.
    bool Flushed = Flush();
    if (!Resp)
      return Resp.takeError();
    if (!Flushed || !WriteError.empty())
      return makeError(What + ": " + WriteError);
    if (Mismatch || Resp->Status == 416) {
      // A Range answer we cannot append to: fetch the whole blob again.
      if (!Restart())
        return makeError(Path + ": " + strerror(errno));
      NoRange = Mismatch;
      if (++Failures >= Opts.MaxAttempts)
        return makeError(What + ": the registry answers Range requests inconsistently");
      continue;
    }
    if (!Resp->transportFailed() && Resp->Status != 200 && Resp->Status != 206)
      return registryError(What, *Resp);
    if (Resp->transportFailed() || (D.Size >= 0 && Offset < D.Size)) {
      // Dropped connection or short body: resume where it stopped.
      if (Offset > Had)
        Failures = 0, ++NResumes;
      else if (++Failures >= Opts.MaxAttempts)
        return makeError(
            What + ": " +
            (Resp->transportFailed() ? Resp->CurlError : std::string("the body ended early")) +
            "; giving up after " + std::to_string(Opts.MaxAttempts) + " attempts");
      else
        backoff(Failures - 1, *Resp);
      continue;
    }
    if (D.Size < 0) {
      oci::Digest Got = oci::Digest::fromSha256Hex(Hash->finishHex());
      Hash.reset();
      if (Got != D.Dig) {
        ::unlink(Path.str().c_str());
        return makeError(What + " has digest " + Got.str() +
                         ", not the one asked for; the download was discarded");
      }
      return llvm::Error::success();
    }
    // Offset == D.Size: the top of the loop verifies.
  }
}

llvm::Expected<UploadOutcome> Client::uploadBlob(llvm::StringRef Repo, const oci::Descriptor &D,
                                                 const BlobOpener &Open,
                                                 const std::vector<std::string> &MountFrom,
                                                 const ProgressFn &Progress) {
  if (auto E = ensureBase())
    return E;
  std::string What = ("upload blob " + D.Dig.str() + " to " + Host + "/" + Repo).str();
  std::vector<std::string> Scopes = {repositoryScope(Repo, "pull,push")};
  std::string Location;
  for (auto &From : MountFrom) {
    if (From == Repo)
      continue;
    std::vector<std::string> MountScopes = Scopes;
    MountScopes.push_back(repositoryScope(From, "pull"));
    HttpRequest R;
    R.Method = "POST";
    R.Url = baseUrl() + "/v2/" + Repo.str() + "/blobs/uploads/?mount=" + urlEncode(D.Dig.str()) +
            "&from=" + urlEncode(From);
    auto Resp = request(R, MountScopes);
    if (!Resp)
      return Resp.takeError();
    if (Resp->Status == 201) {
      if (Progress)
        Progress(D.Size);
      return UploadOutcome::Mounted;
    }
    if (Resp->Status == 202 && !Resp->header("location").empty()) {
      Location = resolveUrl(R.Url, Resp->header("location"));
      break; // the registry opened an upload instead
    }
  }
  for (unsigned Restart = 0;; ++Restart) {
    if (Location.empty()) {
      HttpRequest R;
      R.Method = "POST";
      R.Url = baseUrl() + "/v2/" + Repo.str() + "/blobs/uploads/";
      auto Resp = request(R, Scopes);
      if (!Resp)
        return Resp.takeError();
      if (Resp->Status == 201) // some registries accept the blob as known
        return UploadOutcome::Present;
      if (Resp->Status != 202 || Resp->header("location").empty())
        return registryError(What, *Resp);
      Location = resolveUrl(R.Url, Resp->header("location"));
    }
    auto Src = Open();
    if (!Src)
      return Src.takeError();
    if (D.Size >= 0 && size_t(D.Size) <= std::min(Opts.ChunkSize, Opts.MonolithicMax)) {
      // Monolithic: one PUT with the whole blob (kept in memory, so a retry can resend it).
      std::string Body;
      Body.resize(D.Size);
      size_t Got = 0;
      while (Got < Body.size()) {
        auto N = (*Src)->read(Body.data() + Got, Body.size() - Got);
        if (!N)
          return N.takeError();
        if (*N == 0)
          break;
        Got += *N;
      }
      char Extra;
      auto More = (*Src)->read(&Extra, 1);
      if (!More)
        return More.takeError();
      if (Got != Body.size() || *More != 0)
        return makeError(What + ": the local blob is not " + std::to_string(D.Size) + " bytes");
      HttpRequest R;
      R.Method = "PUT";
      R.Url = withQuery(Location, "digest=" + urlEncode(D.Dig.str()));
      R.Headers.push_back("Content-Type: application/octet-stream");
      R.Body = std::move(Body);
      auto Resp = request(R, Scopes);
      if (!Resp)
        return Resp.takeError();
      if (Resp->Status != 201) {
        // A PUT that reached the registry before the connection broke leaves the blob there.
        auto Has = hasBlob(Repo, D.Dig);
        if (Has && *Has)
          return UploadOutcome::Uploaded;
        if (!Has)
          llvm::consumeError(Has.takeError());
        return registryError(What, *Resp);
      }
      if (Progress)
        Progress(D.Size);
      return UploadOutcome::Uploaded;
    }
    auto Done = uploadChunks(Location, Repo, D, Open, std::move(*Src), Scopes, Progress);
    if (!Done)
      return Done.takeError();
    if (*Done)
      return UploadOutcome::Uploaded;
    // The registry lost track of the upload (distribution cannot resume an upload whose last
    // answer was lost): start a new one from the first byte.
    Location.clear();
    if (Restart + 1 >= Opts.MaxAttempts)
      return makeError(What + ": the registry kept losing the upload; giving up after " +
                       std::to_string(Opts.MaxAttempts) + " attempts");
  }
}

llvm::Expected<bool> Client::uploadChunks(std::string &Location, llvm::StringRef Repo,
                                          const oci::Descriptor &D, const BlobOpener &Open,
                                          std::unique_ptr<Reader> Src,
                                          const std::vector<std::string> &Scopes,
                                          const ProgressFn &Progress) {
  std::string What = ("upload blob " + D.Dig.str() + " to " + Host + "/" + Repo).str();
  if (D.Size < 0)
    return makeError(What + ": the blob's size is unknown; a chunked upload needs it");
  int64_t Offset = 0; // bytes the registry holds
  int64_t SrcPos = 0; // bytes read from Src
  unsigned Failures = 0;
  std::string ReadError;
  // Chunks are streamed from Src, never held in memory: after a failure Src is brought to the
  // offset the registry holds (read on when behind it, opened again when past it).
  auto Seek = [&]() -> llvm::Error {
    if (SrcPos > Offset) {
      auto Again = Open();
      if (!Again)
        return Again.takeError();
      Src = std::move(*Again);
      SrcPos = 0;
    }
    std::vector<char> Skip;
    while (SrcPos < Offset) {
      Skip.resize(1 << 20);
      auto N = Src->read(Skip.data(), std::min<int64_t>(Skip.size(), Offset - SrcPos));
      if (!N)
        return N.takeError();
      if (*N == 0)
        return makeError(What + ": the local blob is shorter than " + std::to_string(D.Size) +
                         " bytes");
      SrcPos += static_cast<int64_t>(*N);
    }
    return llvm::Error::success();
  };
  while (Offset < D.Size) {
    if (auto E = Seek())
      return E;
    int64_t Start = Offset;
    int64_t Len = std::min<int64_t>(static_cast<int64_t>(Opts.ChunkSize), D.Size - Start);
    HttpRequest R;
    R.Method = "PATCH";
    R.Url = Location;
    R.Headers.push_back("Content-Type: application/octet-stream");
    R.Headers.push_back("Content-Range: " + std::to_string(Start) + "-" +
                        std::to_string(Start + Len - 1));
    int64_t Sent = 0;
    R.BodySize = Len;
    R.BodySource = [&](char *Buf, size_t Max) -> size_t {
      size_t Want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(Max), Len - Sent));
      if (Want == 0)
        return 0;
      auto N = Src->read(Buf, Want);
      if (!N) {
        ReadError = llvm::toString(N.takeError());
        return 0; // short of the announced length: libcurl fails the transfer
      }
      if (*N == 0)
        ReadError = "the local blob is shorter than " + std::to_string(D.Size) + " bytes";
      SrcPos += static_cast<int64_t>(*N);
      Sent += static_cast<int64_t>(*N);
      return *N;
    };
    // One attempt: a failed chunk is resumed from the offset the registry reports.
    HttpResponse Resp;
    {
      R.Tls = Tls;
      auto Auth = authorization(Scopes, false);
      if (!Auth)
        return Auth.takeError();
      if (!Auth->empty() && urlAuthority(R.Url) == urlAuthority(baseUrl() + "/"))
        R.Headers.push_back("Authorization: " + *Auth);
      Resp = sendOnce(R);
    }
    if (!ReadError.empty())
      return makeError(What + ": " + ReadError);
    if (!Resp.transportFailed() && Resp.Status == 202) {
      if (std::string L = Resp.header("location"); !L.empty())
        Location = resolveUrl(Location, L);
      std::string RangeStr = Resp.header("range");
      llvm::StringRef Range = RangeStr;
      int64_t End = -1;
      if (!Range.empty() && !Range.split('-').second.getAsInteger(10, End))
        Offset = End + 1;
      else
        Offset = Start + Len;
      if (Offset > SrcPos)
        return makeError(What + ": the registry reports " + std::to_string(Offset) +
                         " bytes, more than were sent; retry the push");
      Failures = 0;
      if (Progress)
        Progress(Offset);
      continue;
    }
    if (!Resp.transportFailed() && Resp.Status == 401) {
      for (auto &C : parseChallenges(Resp.header("www-authenticate")))
        if (C.Scheme == "bearer") {
          std::lock_guard<std::mutex> L(Mu);
          Chal = C;
          Tokens.erase(joinScopes(Scopes));
        }
    } else if (!Resp.transportFailed() && !isRetryableStatus(Resp.Status) && Resp.Status != 416) {
      return registryError(What, Resp);
    }
    if (++Failures >= Opts.MaxAttempts)
      return Resp.transportFailed() ? makeError(What + ": " + Resp.CurlError)
                                    : registryError(What, Resp);
    backoff(Failures - 1, Resp);
    // Ask the registry how much it holds; continue from there.
    HttpRequest S;
    S.Url = Location;
    auto St = request(S, Scopes);
    if (!St)
      return St.takeError();
    if (St->Status == 404 || St->Status == 400)
      return false; // BLOB_UPLOAD_UNKNOWN / BLOB_UPLOAD_INVALID: start over
    if (St->Status != 204 && St->Status != 200)
      return registryError(What + " (upload status)", *St);
    if (std::string L = St->header("location"); !L.empty())
      Location = resolveUrl(Location, L);
    std::string RangeStr = St->header("range");
    llvm::StringRef Range = RangeStr;
    int64_t End = -1;
    if (!Range.empty() && !Range.split('-').second.getAsInteger(10, End))
      Offset = End == 0 && Start == 0 ? 0 : End + 1; // "0-0" is what an empty upload reports
    if (Offset < 0 || Offset > SrcPos)
      return makeError(What + ": the registry holds " + std::to_string(Offset) +
                       " bytes, which does not fit what was sent; retry the push");
  }
  if (D.Size >= 0 && Offset != D.Size)
    return makeError(What + ": the local blob is " + std::to_string(Offset) + " bytes, not " +
                     std::to_string(D.Size));
  HttpRequest R;
  R.Method = "PUT";
  R.Url = withQuery(Location, "digest=" + urlEncode(D.Dig.str()));
  auto Resp = request(R, Scopes);
  if (!Resp)
    return Resp.takeError();
  if (Resp->Status != 201) {
    auto Has = hasBlob(Repo, D.Dig);
    if (Has && *Has)
      return true;
    if (!Has)
      llvm::consumeError(Has.takeError());
    return registryError(What, *Resp);
  }
  return true;
}

} // namespace ballast::registry

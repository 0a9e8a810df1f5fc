//===- Auth.cpp - Registry authentication: challenges, tokens, credentials -===//
#include "registry/Auth.h"

#include <cstdlib>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "registry/Http.h"
#include "support/AtomicFile.h"
#include "support/Errors.h"
#include "support/Subprocess.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using nlohmann::json;

namespace ballast::registry {

std::vector<Challenge> parseChallenges(llvm::StringRef H) {
  std::vector<Challenge> Out;
  size_t I = 0, N = H.size();
  auto SkipWs = [&] {
    while (I < N && (H[I] == ' ' || H[I] == '\t'))
      ++I;
  };
  auto Token = [&] {
    size_t S = I;
    while (I < N && H[I] != ' ' && H[I] != '\t' && H[I] != '=' && H[I] != ',')
      ++I;
    return H.slice(S, I).str();
  };
  while (I < N) {
    SkipWs();
    while (I < N && H[I] == ',') {
      ++I;
      SkipWs();
    }
    if (I >= N)
      break;
    std::string Scheme = llvm::StringRef(Token()).lower();
    if (Scheme.empty()) {
      ++I;
      continue;
    }
    Challenge C;
    C.Scheme = Scheme;
    // Parameters: name=value or name="quoted", separated by commas, until the next scheme.
    for (;;) {
      SkipWs();
      size_t Save = I;
      std::string Name = llvm::StringRef(Token()).lower();
      SkipWs();
      if (Name.empty() || I >= N || H[I] != '=') {
        I = Save; // the next challenge's scheme
        break;
      }
      ++I;
      SkipWs();
      std::string Value;
      if (I < N && H[I] == '"') {
        ++I;
        while (I < N && H[I] != '"') {
          if (H[I] == '\\' && I + 1 < N)
            ++I;
          Value += H[I++];
        }
        ++I;
      } else {
        while (I < N && H[I] != ',' && H[I] != ' ' && H[I] != '\t')
          Value += H[I++];
      }
      C.Params[Name] = Value;
      SkipWs();
      if (I < N && H[I] == ',')
        ++I;
      else
        break;
    }
    Out.push_back(std::move(C));
  }
  return Out;
}

llvm::Expected<Token> parseTokenResponse(llvm::StringRef Json,
                                         std::chrono::steady_clock::time_point Now) {
  json J = json::parse(Json.begin(), Json.end(), nullptr, false);
  if (J.is_discarded() || !J.is_object())
    return makeError("token server answered something that is not JSON; check the realm URL");
  Token T;
  if (J.contains("token") && J["token"].is_string())
    T.Value = J["token"].get<std::string>();
  if (T.Value.empty() && J.contains("access_token") && J["access_token"].is_string())
    T.Value = J["access_token"].get<std::string>();
  if (T.Value.empty())
    return makeError("token server answered without a token or access_token field");
  int64_t Secs = 60;
  if (J.contains("expires_in") && J["expires_in"].is_number_integer())
    Secs = std::max<int64_t>(J["expires_in"].get<int64_t>(), 60);
  // Renew a little early so a token never expires in flight.
  T.Expires = Now + std::chrono::seconds(Secs > 70 ? Secs - 10 : Secs);
  if (J.contains("refresh_token") && J["refresh_token"].is_string())
    T.RefreshToken = J["refresh_token"].get<std::string>();
  return T;
}

std::string repositoryScope(llvm::StringRef Repo, llvm::StringRef Actions) {
  return ("repository:" + Repo + ":" + Actions).str();
}

std::string dockerConfigDir() {
  if (const char *D = getenv("DOCKER_CONFIG"); D && *D)
    return D;
  std::string Home;
  if (const char *H = getenv("HOME"); H && *H)
    Home = H;
  else if (passwd *P = getpwuid(getuid()))
    Home = P->pw_dir;
  return Home + "/.docker";
}

std::string configKeyFor(llvm::StringRef Host) {
  if (Host == "docker.io" || Host == "index.docker.io" || Host == "registry-1.docker.io")
    return "https://index.docker.io/v1/";
  return Host.str();
}

/// "https://host/v1/" -> "host" for matching config.json keys written by older clients.
static std::string keyHost(llvm::StringRef Key) {
  if (size_t P = Key.find("://"); P != llvm::StringRef::npos)
    Key = Key.drop_front(P + 3);
  return Key.take_until([](char C) { return C == '/'; }).lower();
}

llvm::Expected<DockerConfig> DockerConfig::load(llvm::StringRef Dir) {
  DockerConfig C;
  C.Dir = Dir.str();
  C.Path = (Dir + "/config.json").str();
  C.Raw = "{}";
  auto Buf = llvm::MemoryBuffer::getFile(C.Path);
  if (Buf) {
    C.Raw = (*Buf)->getBuffer().str();
    json J = json::parse(C.Raw, nullptr, false);
    if (J.is_discarded() || !J.is_object())
      return makeError(C.Path + ": not a JSON object; fix or remove the file");
  } else if (Buf.getError() != std::errc::no_such_file_or_directory) {
    return makeError(C.Path + ": " + Buf.getError().message());
  }
  return C;
}

std::string DockerConfig::helperFor(llvm::StringRef Host) const {
  json J = json::parse(Raw, nullptr, false);
  std::string Key = configKeyFor(Host);
  if (J.contains("credHelpers") && J["credHelpers"].is_object()) {
    for (auto &[K, V] : J["credHelpers"].items())
      if (V.is_string() && (K == Key || keyHost(K) == keyHost(Key)))
        return V.get<std::string>();
  }
  if (J.contains("credsStore") && J["credsStore"].is_string())
    return J["credsStore"].get<std::string>();
  return "";
}

llvm::Expected<std::optional<Credentials>> DockerConfig::get(llvm::StringRef Host) const {
  std::string Key = configKeyFor(Host);
  if (std::string Helper = helperFor(Host); !Helper.empty()) {
    auto R = runProcess({"docker-credential-" + Helper, "get"}, Key);
    if (!R)
      return makeError("cannot run docker-credential-" + Helper + ": " +
                       llvm::toString(R.takeError()) + "; install it or fix " + Path);
    if (R->ExitCode != 0) {
      std::string Both = R->Out + R->Err;
      llvm::StringRef Msg = llvm::StringRef(Both).trim();
      if (Msg.contains("credentials not found"))
        return std::nullopt;
      return makeError("docker-credential-" + Helper + " get failed: " + Msg);
    }
    json J = json::parse(R->Out, nullptr, false);
    if (J.is_discarded() || !J.is_object())
      return makeError("docker-credential-" + Helper + " get answered something that is not JSON");
    Credentials C;
    std::string User =
        J.contains("Username") && J["Username"].is_string() ? J["Username"].get<std::string>() : "";
    std::string Secret =
        J.contains("Secret") && J["Secret"].is_string() ? J["Secret"].get<std::string>() : "";
    if (User == "<token>")
      C.IdentityToken = Secret;
    else {
      C.Username = User;
      C.Password = Secret;
    }
    if (C.empty())
      return std::nullopt;
    return C;
  }
  json J = json::parse(Raw, nullptr, false);
  if (!J.contains("auths") || !J["auths"].is_object())
    return std::nullopt;
  for (auto &[K, V] : J["auths"].items()) {
    if (!V.is_object() || (K != Key && keyHost(K) != keyHost(Key)))
      continue;
    Credentials C;
    if (V.contains("auth") && V["auth"].is_string()) {
      std::string Dec;
      if (!base64Decode(V["auth"].get<std::string>(), Dec))
        return makeError(Path + ": auths." + K + ".auth is not base64; run ballast login again");
      auto [U, P] = llvm::StringRef(Dec).split(':');
      C.Username = U.str();
      C.Password = P.str();
    }
    if (V.contains("username") && V["username"].is_string() && C.Username.empty())
      C.Username = V["username"].get<std::string>();
    if (V.contains("password") && V["password"].is_string() && C.Password.empty())
      C.Password = V["password"].get<std::string>();
    if (V.contains("identitytoken") && V["identitytoken"].is_string())
      C.IdentityToken = V["identitytoken"].get<std::string>();
    if (C.empty())
      continue;
    return C;
  }
  return std::nullopt;
}

llvm::Error DockerConfig::save() {
  if (auto EC = llvm::sys::fs::create_directories(Dir))
    return makeError(Dir + ": " + EC.message());
  if (auto E = writeFileAtomically(Path, Raw, 0600))
    return E;
  // writeFileAtomically keeps an existing file's mode; credentials are never group-readable.
  if (chmod(Path.c_str(), 0600) != 0)
    return makeError(Path + ": cannot make it private (chmod 0600)");
  return llvm::Error::success();
}

llvm::Error DockerConfig::store(llvm::StringRef Host, const Credentials &C) {
  std::string Key = configKeyFor(Host);
  json J = json::parse(Raw, nullptr, false);
  if (std::string Helper = helperFor(Host); !Helper.empty()) {
    json In = {{"ServerURL", Key},
               {"Username", C.IdentityToken.empty() ? C.Username : "<token>"},
               {"Secret", C.IdentityToken.empty() ? C.Password : C.IdentityToken}};
    auto R = runProcess({"docker-credential-" + Helper, "store"}, In.dump());
    if (!R)
      return makeError("cannot run docker-credential-" + Helper + ": " +
                       llvm::toString(R.takeError()));
    if (R->ExitCode != 0)
      return makeError("docker-credential-" + Helper + " store failed: " +
                       llvm::StringRef(std::string(R->Out + R->Err)).trim().str());
    // Docker records the registry in auths with an empty entry so `docker login` lists it.
    if (!J.contains("auths") || !J["auths"].is_object())
      J["auths"] = json::object();
    J["auths"][Key] = json::object();
  } else {
    if (!J.contains("auths") || !J["auths"].is_object())
      J["auths"] = json::object();
    for (auto It = J["auths"].begin(); It != J["auths"].end();)
      if (It.key() != Key && keyHost(It.key()) == keyHost(Key))
        It = J["auths"].erase(It);
      else
        ++It;
    json E = json::object();
    if (!C.IdentityToken.empty())
      E["identitytoken"] = C.IdentityToken;
    else
      E["auth"] = base64Encode(C.Username + ":" + C.Password);
    J["auths"][Key] = E;
  }
  Raw = J.dump(1, '\t', false, json::error_handler_t::replace) + "\n";
  return save();
}

llvm::Expected<bool> DockerConfig::erase(llvm::StringRef Host) {
  std::string Key = configKeyFor(Host);
  json J = json::parse(Raw, nullptr, false);
  bool Found = false;
  if (std::string Helper = helperFor(Host); !Helper.empty()) {
    auto R = runProcess({"docker-credential-" + Helper, "erase"}, Key);
    if (!R)
      return makeError("cannot run docker-credential-" + Helper + ": " +
                       llvm::toString(R.takeError()));
    if (R->ExitCode == 0)
      Found = true;
    else if (std::string Both = R->Out + R->Err; !llvm::StringRef(Both).contains("not found"))
      return makeError("docker-credential-" + Helper + " erase failed: " +
                       llvm::StringRef(std::string(R->Out + R->Err)).trim().str());
  }
  if (J.contains("auths") && J["auths"].is_object()) {
    for (auto It = J["auths"].begin(); It != J["auths"].end();)
      if (It.key() == Key || keyHost(It.key()) == keyHost(Key)) {
        It = J["auths"].erase(It);
        Found = true;
      } else
        ++It;
  }
  if (!Found)
    return false;
  Raw = J.dump(1, '\t', false, json::error_handler_t::replace) + "\n";
  if (auto E = save())
    return E;
  return true;
}

} // namespace ballast::registry

//===- Import.cpp - `docker import`: a rootfs tarball as an image ---------===//
#include "store/Import.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "dockerfile/Ast.h"
#include "dockerfile/Expand.h"
#include "oci/Compression.h"
#include "oci/MediaTypes.h"
#include "support/Errors.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::store {

std::string rfc3339Now() {
  auto Now = std::chrono::system_clock::now();
  auto Secs = std::chrono::time_point_cast<std::chrono::seconds>(Now);
  long Nanos =
      static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(Now - Secs).count());
  std::time_t T = std::chrono::system_clock::to_time_t(Secs);
  struct tm Tm;
  gmtime_r(&T, &Tm);
  char Buf[64];
  strftime(Buf, sizeof Buf, "%Y-%m-%dT%H:%M:%S", &Tm);
  std::string S = Buf;
  llvm::raw_string_ostream OS(S);
  OS << "." << llvm::format("%09ld", Nanos) << "Z";
  return OS.str();
}

namespace {

dockerfile::VarScope envScope(const oci::ContainerConfig &C) {
  dockerfile::VarScope V;
  for (auto &E : C.Env) {
    auto [K, Val] = llvm::StringRef(E).split('=');
    V.set(K, Val);
  }
  return V;
}

llvm::Expected<std::string> expand(llvm::StringRef W, const oci::ContainerConfig &C) {
  auto R = dockerfile::expandWord(W, envScope(C));
  if (!R)
    return R.takeError();
  return R->Text;
}

/// Exec form as written, or shell form wrapped in the default shell.
std::vector<std::string> commandOf(const dockerfile::Instruction &I,
                                   const oci::ContainerConfig &C) {
  std::vector<std::string> Out;
  if (I.IsJson) {
    for (auto &A : I.Args)
      Out.push_back(A.Text);
    return Out;
  }
  Out = C.Shell ? *C.Shell : std::vector<std::string>{"/bin/sh", "-c"};
  Out.push_back(std::string(I.Rest));
  return Out;
}

void setEnv(oci::ContainerConfig &C, const std::string &K, const std::string &V) {
  std::string Entry = K + "=" + V;
  for (auto &E : C.Env)
    if (llvm::StringRef(E).split('=').first == K) {
      E = Entry;
      return;
    }
  C.Env.push_back(Entry);
}

} // namespace

llvm::Error applyChanges(oci::ContainerConfig &C, const std::vector<std::string> &Changes) {
  for (const std::string &Line : Changes) {
    auto Bad = [&](const llvm::Twine &Why) {
      return makeError("--change \"" + Line + "\": " + Why);
    };
    dockerfile::Dockerfile D = dockerfile::parse("--change", Line + "\n");
    if (!D.Errors.empty())
      return Bad(D.Errors.front().Message);
    if (D.Instructions.size() != 1)
      return Bad("expected one Dockerfile instruction");
    const dockerfile::Instruction &I = D.Instructions.front();
    using K = dockerfile::InstrKind;
    switch (I.Kind) {
    case K::Cmd: C.Cmd = commandOf(I, C); break;
    case K::Entrypoint: C.Entrypoint = commandOf(I, C); break;
    case K::Env:
    case K::Label:
      if (I.Pairs.empty())
        return Bad(llvm::Twine(I.Keyword) + " needs KEY=VALUE");
      for (auto &P : I.Pairs) {
        auto Key = expand(P.Key.Text, C);
        if (!Key)
          return Bad(llvm::toString(Key.takeError()));
        auto Val = expand(P.Value.Text, C);
        if (!Val)
          return Bad(llvm::toString(Val.takeError()));
        if (I.Kind == K::Env)
          setEnv(C, *Key, *Val);
        else
          C.Labels[*Key] = *Val;
      }
      break;
    case K::Expose:
      for (auto &A : I.Args) {
        auto Ports = dockerfile::expandWords(A.Text, envScope(C));
        if (!Ports)
          return Bad(llvm::toString(Ports.takeError()));
        for (std::string P : *Ports) {
          if (llvm::StringRef(P).find('/') == llvm::StringRef::npos)
            P += "/tcp";
          auto [Num, Proto] = llvm::StringRef(P).split('/');
          unsigned N = 0;
          if (Num.getAsInteger(10, N) || N == 0 || N > 65535 ||
              (Proto != "tcp" && Proto != "udp" && Proto != "sctp"))
            return Bad("invalid port \"" + P + "\"; use PORT[/tcp|udp|sctp]");
          if (!llvm::is_contained(C.ExposedPorts, P))
            C.ExposedPorts.push_back(P);
        }
      }
      std::sort(C.ExposedPorts.begin(), C.ExposedPorts.end());
      break;
    case K::Volume:
      for (auto &A : I.Args) {
        auto V = expand(A.Text, C);
        if (!V)
          return Bad(llvm::toString(V.takeError()));
        if (V->empty())
          return Bad("VOLUME specified can not be an empty string");
        if (!llvm::is_contained(C.Volumes, *V))
          C.Volumes.push_back(*V);
      }
      std::sort(C.Volumes.begin(), C.Volumes.end());
      break;
    case K::User:
    case K::Workdir:
    case K::StopSignal: {
      if (I.Args.empty())
        return Bad(llvm::Twine(llvm::StringRef(I.Keyword).upper()) + " requires an argument");
      auto V = expand(I.Rest, C);
      if (!V)
        return Bad(llvm::toString(V.takeError()));
      if (I.Kind == K::User) {
        C.User = *V;
      } else if (I.Kind == K::StopSignal) {
        C.StopSignal = *V;
      } else {
        llvm::SmallString<128> W;
        if (!llvm::StringRef(*V).startswith("/"))
          W = C.WorkingDir.empty() ? "/" : C.WorkingDir;
        llvm::sys::path::append(W, llvm::sys::path::Style::posix, *V);
        llvm::sys::path::remove_dots(W, true, llvm::sys::path::Style::posix);
        C.WorkingDir = W.empty() ? "/" : W.str().str();
      }
      break;
    }
    case K::Onbuild:
      if (!I.Child)
        return Bad("ONBUILD needs an instruction");
      C.OnBuild.push_back(std::string(I.Rest));
      break;
    default:
      return Bad(llvm::Twine(llvm::StringRef(I.Keyword).upper()) +
                 " is not a valid change command; use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, "
                 "ONBUILD, STOPSIGNAL, USER, VOLUME or WORKDIR");
    }
  }
  return llvm::Error::success();
}

llvm::Expected<oci::Digest> importRootfs(Store &S, std::unique_ptr<Reader> Tar,
                                         const std::optional<oci::Reference> &Ref,
                                         const ImportOptions &Opts) {
  oci::ImageConfig Cfg;
  if (auto E = applyChanges(Cfg.Config, Opts.Changes))
    return E;
  auto Pin = S.pin(); // gc must not take the layer before the image is tagged
  if (!Pin)
    return Pin.takeError();
  auto Plain = oci::decompress(std::move(Tar));
  if (!Plain)
    return Plain.takeError();
  auto *Diff = new oci::HashingReader(std::move(*Plain));
  std::unique_ptr<Reader> DiffOwner(Diff);
  auto Gz = oci::compress(std::move(DiffOwner), oci::media::Compression::Gzip);
  if (!Gz)
    return Gz.takeError();
  auto Layer = S.putBlobUnknown(**Gz);
  if (!Layer)
    return Layer.takeError();
  oci::Digest DiffId = Diff->digest();
  int64_t Uncompressed = static_cast<int64_t>(Diff->bytes());
  if (auto E = S.noteLayerSize(Layer->first, Uncompressed))
    return E;

  oci::Platform P = Opts.Plat ? *Opts.Plat : oci::Platform::host();
  Cfg.OS = P.OS;
  Cfg.Architecture = P.Architecture;
  Cfg.Variant = P.Variant;
  Cfg.Created = Opts.Created.empty() ? rfc3339Now() : Opts.Created;
  Cfg.DiffIDs = {DiffId};
  std::string Message = Opts.Message.empty() ? "Imported from -" : Opts.Message;
  oci::History H;
  H.Created = Cfg.Created;
  H.Comment = Message;
  Cfg.Hist = {H};
  // Docker also writes the message as the top-level `comment`.
  nlohmann::json J = nlohmann::json::parse(Cfg.toJson(), nullptr, false);
  if (J.is_discarded())
    return makeError("internal error: the image config does not serialise");
  J["comment"] = Message;
  std::string RawConfig = J.dump();
  auto ConfigReader = stringReader(RawConfig);
  oci::Digest ConfigDig = oci::Digest::sha256Of(RawConfig);
  if (auto E = S.putBlob(ConfigDig, static_cast<int64_t>(RawConfig.size()), *ConfigReader))
    return E;

  oci::Manifest M;
  M.MediaType = oci::media::OciManifest;
  M.Config.MediaType = oci::media::OciConfig;
  M.Config.Dig = ConfigDig;
  M.Config.Size = static_cast<int64_t>(RawConfig.size());
  oci::Descriptor L;
  L.MediaType = oci::media::OciLayerGzip;
  L.Dig = Layer->first;
  L.Size = Layer->second;
  M.Layers = {L};
  std::string RawManifest = M.toJson();
  auto Sink = S.sink();
  if (auto E =
          Sink->putManifest(RawManifest, oci::media::OciManifest, Ref ? Ref->str() : std::string()))
    return E;
  return ConfigDig;
}

} // namespace ballast::store

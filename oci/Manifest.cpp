//===- Manifest.cpp - Manifest, index and image config codecs -------------===//
//
// The JSON adapter of oci/: nlohmann exceptions are caught here and nowhere else in the folder.
//
//===----------------------------------------------------------------------===//
#include "oci/Manifest.h"

#include <nlohmann/json.hpp>

#include "oci/MediaTypes.h"
#include "support/Errors.h"

namespace ballast::oci {

using nlohmann::json;

namespace {
std::string str(const json &J, const char *Key) {
  auto It = J.find(Key);
  if (It == J.end() || !It->is_string())
    return {};
  return It->get<std::string>();
}

std::map<std::string, std::string> strMap(const json &J, const char *Key) {
  std::map<std::string, std::string> M;
  auto It = J.find(Key);
  if (It == J.end() || !It->is_object())
    return M;
  for (auto &[K, V] : It->items())
    if (V.is_string())
      M[K] = V.get<std::string>();
  return M;
}

std::vector<std::string> strList(const json &J) {
  std::vector<std::string> L;
  if (J.is_array())
    for (auto &V : J)
      if (V.is_string())
        L.push_back(V.get<std::string>());
  return L;
}

std::optional<std::vector<std::string>> optList(const json &J, const char *Key) {
  auto It = J.find(Key);
  if (It == J.end() || It->is_null())
    return std::nullopt;
  if (It->is_string()) // Docker accepts a bare string for Cmd/Entrypoint in old configs
    return std::vector<std::string>{It->get<std::string>()};
  return strList(*It);
}

std::vector<std::string> setKeys(const json &J, const char *Key) {
  std::vector<std::string> L;
  auto It = J.find(Key);
  if (It != J.end() && It->is_object())
    for (auto &[K, V] : It->items())
      L.push_back(K);
  return L;
}

llvm::Expected<Descriptor> parseDescriptor(const json &J, const llvm::Twine &Where) {
  if (!J.is_object())
    return makeError(Where + ": descriptor is not an object");
  Descriptor D;
  D.MediaType = str(J, "mediaType");
  auto Dig = Digest::parse(str(J, "digest"));
  if (!Dig)
    return makeError(Where + ": " + llvm::toString(Dig.takeError()));
  D.Dig = *Dig;
  auto Size = J.find("size");
  if (Size == J.end() || !Size->is_number_integer() || Size->get<int64_t>() < 0)
    return makeError(Where + ": descriptor " + D.Dig.str() + " has no valid size");
  D.Size = Size->get<int64_t>();
  D.Annotations = strMap(J, "annotations");
  D.ArtifactType = str(J, "artifactType");
  if (auto U = J.find("urls"); U != J.end())
    D.URLs = strList(*U);
  if (auto P = J.find("platform"); P != J.end() && P->is_object()) {
    Platform Pl;
    Pl.OS = str(*P, "os");
    Pl.Architecture = str(*P, "architecture");
    Pl.Variant = str(*P, "variant");
    Pl.OSVersion = str(*P, "os.version");
    D.Plat = Pl;
  }
  return D;
}

json descriptorJson(const Descriptor &D) {
  json J = {{"mediaType", D.MediaType}, {"digest", D.Dig.str()}, {"size", D.Size}};
  if (!D.Annotations.empty())
    J["annotations"] = D.Annotations;
  if (!D.URLs.empty())
    J["urls"] = D.URLs;
  if (!D.ArtifactType.empty())
    J["artifactType"] = D.ArtifactType;
  if (D.Plat) {
    json P = {{"os", D.Plat->OS}, {"architecture", D.Plat->Architecture}};
    if (!D.Plat->Variant.empty())
      P["variant"] = D.Plat->Variant;
    if (!D.Plat->OSVersion.empty())
      P["os.version"] = D.Plat->OSVersion;
    J["platform"] = P;
  }
  return J;
}

/// Compact JSON; invalid UTF-8 in a string becomes U+FFFD (as Go's encoding/json does) instead
/// of nlohmann's type_error exception.
std::string dumpJson(const json &J) {
  return J.dump(-1, ' ', false, json::error_handler_t::replace);
}

llvm::Expected<json> parseObject(llvm::StringRef Text, llvm::StringRef What) {
  json J = json::parse(Text.begin(), Text.end(), nullptr, /*allow_exceptions=*/false);
  if (J.is_discarded())
    return makeError(What + " is not valid JSON");
  if (!J.is_object())
    return makeError(What + " is not a JSON object");
  return J;
}
} // namespace

std::string sniffMediaType(llvm::StringRef Text) {
  auto J = parseObject(Text, "document");
  if (!J) {
    llvm::consumeError(J.takeError());
    return {};
  }
  std::string M = str(*J, "mediaType");
  if (!M.empty())
    return M;
  if (J->contains("manifests"))
    return media::OciIndex;
  return media::OciManifest;
}

llvm::Expected<Manifest> Manifest::parse(llvm::StringRef Text) {
  auto J = parseObject(Text, "manifest");
  if (!J)
    return J.takeError();
  Manifest M;
  auto SV = J->find("schemaVersion");
  if (SV != J->end() && SV->is_number_integer())
    M.SchemaVersion = SV->get<int>();
  if (M.SchemaVersion == 1)
    return makeError("manifest schema version 1 is not supported (deprecated by Docker in 2019); "
                     "re-push the image with a current client");
  M.MediaType = str(*J, "mediaType");
  if (media::isIndex(M.MediaType) || J->contains("manifests"))
    return makeError("expected an image manifest, got an index (" +
                     (M.MediaType.empty() ? std::string(media::OciIndex) : M.MediaType) + ")");
  if (!M.MediaType.empty() && !media::isManifest(M.MediaType))
    return makeError("unsupported manifest media type \"" + M.MediaType + "\"");
  auto C = J->find("config");
  if (C == J->end())
    return makeError("manifest has no config descriptor");
  auto CD = parseDescriptor(*C, "manifest config");
  if (!CD)
    return CD.takeError();
  M.Config = *CD;
  auto L = J->find("layers");
  if (L != J->end()) {
    if (!L->is_array())
      return makeError("manifest layers is not an array");
    size_t I = 0;
    for (auto &E : *L) {
      auto D = parseDescriptor(E, "manifest layer " + llvm::Twine(I++));
      if (!D)
        return D.takeError();
      M.Layers.push_back(*D);
    }
  }
  M.Annotations = strMap(*J, "annotations");
  return M;
}

std::string Manifest::toJson() const {
  json J = {{"schemaVersion", SchemaVersion}, {"config", descriptorJson(Config)}};
  if (!MediaType.empty())
    J["mediaType"] = MediaType;
  J["layers"] = json::array();
  for (auto &L : Layers)
    J["layers"].push_back(descriptorJson(L));
  if (!Annotations.empty())
    J["annotations"] = Annotations;
  return dumpJson(J);
}

llvm::Expected<Index> Index::parse(llvm::StringRef Text) {
  auto J = parseObject(Text, "index");
  if (!J)
    return J.takeError();
  Index X;
  auto SV = J->find("schemaVersion");
  if (SV != J->end() && SV->is_number_integer())
    X.SchemaVersion = SV->get<int>();
  X.MediaType = str(*J, "mediaType");
  if (!X.MediaType.empty() && !media::isIndex(X.MediaType))
    return makeError("expected an index, got \"" + X.MediaType + "\"");
  auto Ms = J->find("manifests");
  if (Ms == J->end() || !Ms->is_array())
    return makeError("index has no manifests array");
  size_t I = 0;
  for (auto &E : *Ms) {
    auto D = parseDescriptor(E, "index manifest " + llvm::Twine(I++));
    if (!D)
      return D.takeError();
    X.Manifests.push_back(*D);
  }
  X.Annotations = strMap(*J, "annotations");
  return X;
}

std::string Index::toJson() const {
  json J = {{"schemaVersion", SchemaVersion}};
  if (!MediaType.empty())
    J["mediaType"] = MediaType;
  J["manifests"] = json::array();
  for (auto &M : Manifests)
    J["manifests"].push_back(descriptorJson(M));
  if (!Annotations.empty())
    J["annotations"] = Annotations;
  return dumpJson(J);
}

llvm::Expected<Descriptor> Index::select(const Platform &P) const {
  const Descriptor *Compatible = nullptr;
  std::string Have;
  for (auto &M : Manifests) {
    if (!M.Plat)
      continue;
    // BuildKit's attestation manifests: unknown/unknown, tagged by an annotation.
    auto Ref = M.Annotations.find("vnd.docker.reference.type");
    if (M.Plat->Architecture == "unknown" ||
        (Ref != M.Annotations.end() && Ref->second == "attestation-manifest"))
      continue;
    Have += (Have.empty() ? "" : ", ") + M.Plat->str();
    if (*M.Plat == P || (M.Plat->OS == P.OS && M.Plat->Architecture == P.Architecture &&
                         M.Plat->Variant == P.Variant))
      return M;
    if (!Compatible && P.matches(*M.Plat))
      Compatible = &M;
  }
  if (Compatible)
    return *Compatible;
  return makeError("no image for platform " + P.str() + " in the index (it has: " +
                   (Have.empty() ? std::string("none") : Have) + "); choose one with --platform");
}

llvm::Expected<ImageConfig> ImageConfig::parse(llvm::StringRef Text) {
  auto J = parseObject(Text, "image config");
  if (!J)
    return J.takeError();
  ImageConfig C;
  C.Architecture = str(*J, "architecture");
  C.OS = str(*J, "os");
  C.Variant = str(*J, "variant");
  C.Created = str(*J, "created");
  C.Author = str(*J, "author");
  if (auto CC = J->find("config"); CC != J->end() && CC->is_object()) {
    ContainerConfig &K = C.Config;
    K.User = str(*CC, "User");
    K.ExposedPorts = setKeys(*CC, "ExposedPorts");
    if (auto E = CC->find("Env"); E != CC->end())
      K.Env = strList(*E);
    K.Entrypoint = optList(*CC, "Entrypoint");
    K.Cmd = optList(*CC, "Cmd");
    K.Volumes = setKeys(*CC, "Volumes");
    K.WorkingDir = str(*CC, "WorkingDir");
    K.Labels = strMap(*CC, "Labels");
    K.StopSignal = str(*CC, "StopSignal");
    if (auto H = CC->find("Healthcheck"); H != CC->end() && H->is_object()) {
      HealthConfig HC;
      if (auto T = H->find("Test"); T != H->end())
        HC.Test = strList(*T);
      auto Int = [&](const char *Key) -> int64_t {
        auto It = H->find(Key);
        return It != H->end() && It->is_number_integer() ? It->get<int64_t>() : 0;
      };
      HC.Interval = Int("Interval");
      HC.Timeout = Int("Timeout");
      HC.StartPeriod = Int("StartPeriod");
      HC.StartInterval = Int("StartInterval");
      HC.Retries = static_cast<int>(Int("Retries"));
      K.Healthcheck = HC;
    }
    if (auto O = CC->find("OnBuild"); O != CC->end())
      K.OnBuild = strList(*O);
    K.Shell = optList(*CC, "Shell");
    if (auto A = CC->find("ArgsEscaped"); A != CC->end() && A->is_boolean())
      K.ArgsEscaped = A->get<bool>();
  }
  if (auto R = J->find("rootfs"); R != J->end() && R->is_object()) {
    if (auto D = R->find("diff_ids"); D != R->end() && D->is_array()) {
      for (auto &E : *D) {
        auto Dig = Digest::parse(E.is_string() ? E.get<std::string>() : "");
        if (!Dig)
          return makeError("image config rootfs.diff_ids: " + llvm::toString(Dig.takeError()));
        C.DiffIDs.push_back(*Dig);
      }
    }
  }
  if (auto H = J->find("history"); H != J->end() && H->is_array()) {
    for (auto &E : *H) {
      if (!E.is_object())
        continue;
      History Hi;
      Hi.Created = str(E, "created");
      Hi.CreatedBy = str(E, "created_by");
      Hi.Author = str(E, "author");
      Hi.Comment = str(E, "comment");
      if (auto EL = E.find("empty_layer"); EL != E.end() && EL->is_boolean())
        Hi.EmptyLayer = EL->get<bool>();
      C.Hist.push_back(std::move(Hi));
    }
  }
  return C;
}

std::string ImageConfig::toJson() const {
  json J = {{"architecture", Architecture}, {"os", OS}};
  if (!Variant.empty())
    J["variant"] = Variant;
  if (!Created.empty())
    J["created"] = Created;
  if (!Author.empty())
    J["author"] = Author;
  json K = json::object();
  const ContainerConfig &CC = Config;
  if (!CC.User.empty())
    K["User"] = CC.User;
  if (!CC.ExposedPorts.empty()) {
    K["ExposedPorts"] = json::object();
    for (auto &P : CC.ExposedPorts)
      K["ExposedPorts"][P] = json::object();
  }
  if (!CC.Env.empty())
    K["Env"] = CC.Env;
  if (CC.Entrypoint)
    K["Entrypoint"] = *CC.Entrypoint;
  if (CC.Cmd)
    K["Cmd"] = *CC.Cmd;
  if (!CC.Volumes.empty()) {
    K["Volumes"] = json::object();
    for (auto &V : CC.Volumes)
      K["Volumes"][V] = json::object();
  }
  if (!CC.WorkingDir.empty())
    K["WorkingDir"] = CC.WorkingDir;
  if (!CC.Labels.empty())
    K["Labels"] = CC.Labels;
  if (!CC.StopSignal.empty())
    K["StopSignal"] = CC.StopSignal;
  if (CC.Healthcheck) {
    const HealthConfig &H = *CC.Healthcheck;
    json HJ = {{"Test", H.Test}};
    if (H.Interval)
      HJ["Interval"] = H.Interval;
    if (H.Timeout)
      HJ["Timeout"] = H.Timeout;
    if (H.StartPeriod)
      HJ["StartPeriod"] = H.StartPeriod;
    if (H.StartInterval)
      HJ["StartInterval"] = H.StartInterval;
    if (H.Retries)
      HJ["Retries"] = H.Retries;
    K["Healthcheck"] = HJ;
  }
  if (!CC.OnBuild.empty())
    K["OnBuild"] = CC.OnBuild;
  if (CC.Shell)
    K["Shell"] = *CC.Shell;
  if (CC.ArgsEscaped)
    K["ArgsEscaped"] = true;
  J["config"] = K;
  json Diff = json::array();
  for (auto &D : DiffIDs)
    Diff.push_back(D.str());
  J["rootfs"] = {{"type", "layers"}, {"diff_ids", Diff}};
  if (!Hist.empty()) {
    json H = json::array();
    for (auto &E : Hist) {
      json HE = json::object();
      if (!E.Created.empty())
        HE["created"] = E.Created;
      if (!E.CreatedBy.empty())
        HE["created_by"] = E.CreatedBy;
      if (!E.Author.empty())
        HE["author"] = E.Author;
      if (!E.Comment.empty())
        HE["comment"] = E.Comment;
      if (E.EmptyLayer)
        HE["empty_layer"] = true;
      H.push_back(HE);
    }
    J["history"] = H;
  }
  return dumpJson(J);
}

} // namespace ballast::oci

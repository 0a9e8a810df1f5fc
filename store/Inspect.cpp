//===- Inspect.cpp - Docker's views of stored images ----------------------===//
#include "store/Inspect.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "support/Errors.h"
#include "llvm/Support/ConvertUTF.h"

namespace ballast::store {

using nlohmann::json;
using nlohmann::ordered_json;

std::string humanSize(int64_t Bytes, int Precision) {
  static const char *Units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  double Size = static_cast<double>(Bytes);
  int I = 0;
  while (Size >= 1000.0 && I < 8) {
    Size /= 1000.0;
    ++I;
  }
  char Buf[64];
  std::snprintf(Buf, sizeof Buf, "%.*g%s", Precision, Size, Units[I]);
  return Buf;
}

std::string humanDuration(int64_t Seconds) {
  auto F = [](int64_t N, const char *Unit) { return std::to_string(N) + " " + Unit; };
  if (Seconds < 1)
    return "Less than a second";
  if (Seconds == 1)
    return "1 second";
  if (Seconds < 60)
    return F(Seconds, "seconds");
  int64_t Minutes = Seconds / 60;
  if (Minutes == 1)
    return "About a minute";
  if (Minutes < 60)
    return F(Minutes, "minutes");
  int64_t Hours = static_cast<int64_t>(std::round(static_cast<double>(Seconds) / 3600.0));
  if (Hours == 1)
    return "About an hour";
  if (Hours < 48)
    return F(Hours, "hours");
  if (Hours < 24L * 7 * 2)
    return F(Hours / 24, "days");
  if (Hours < 24L * 30 * 2)
    return F(Hours / 24 / 7, "weeks");
  if (Hours < 24L * 365 * 2)
    return F(Hours / 24 / 30, "months");
  return F(Seconds / 3600 / 24 / 365, "years");
}

std::optional<int64_t> parseRfc3339(llvm::StringRef S) {
  int Y, Mo, D, H, Mi, Se;
  if (S.size() < 20 ||
      std::sscanf(S.str().c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &Y, &Mo, &D, &H, &Mi, &Se) != 6)
    return std::nullopt;
  llvm::StringRef Rest = S.drop_front(19);
  if (Rest.consume_front("."))
    Rest = Rest.drop_while([](char C) { return llvm::isDigit(C); });
  int64_t Offset = 0;
  if (Rest == "Z" || Rest == "z") {
  } else if (Rest.size() == 6 && (Rest[0] == '+' || Rest[0] == '-') && Rest[3] == ':') {
    int64_t OH = 0, OM = 0;
    if (Rest.substr(1, 2).getAsInteger(10, OH) || Rest.substr(4, 2).getAsInteger(10, OM))
      return std::nullopt;
    Offset = (OH * 3600 + OM * 60) * (Rest[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  struct tm Tm = {};
  Tm.tm_year = Y - 1900;
  Tm.tm_mon = Mo - 1;
  Tm.tm_mday = D;
  Tm.tm_hour = H;
  Tm.tm_min = Mi;
  Tm.tm_sec = Se;
  return static_cast<int64_t>(timegm(&Tm)) - Offset;
}

std::string createdSince(llvm::StringRef Created, int64_t Now) {
  auto T = parseRfc3339(Created);
  if (!T)
    return "N/A";
  return humanDuration(Now - *T) + " ago";
}

std::string createdAt(llvm::StringRef Created) {
  auto T = parseRfc3339(Created);
  if (!T)
    return "N/A";
  std::time_t TT = static_cast<std::time_t>(*T);
  struct tm Tm;
  gmtime_r(&TT, &Tm);
  char Buf[64];
  std::strftime(Buf, sizeof Buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &Tm);
  return Buf;
}

namespace {
ordered_json listOrNull(const std::vector<std::string> &L) {
  return L.empty() ? ordered_json(nullptr) : ordered_json(L);
}
ordered_json setOrNull(const std::vector<std::string> &L) {
  if (L.empty())
    return nullptr;
  ordered_json O = ordered_json::object();
  for (auto &K : L)
    O[K] = ordered_json::object();
  return O;
}
} // namespace

ordered_json inspectObject(const oci::Image &Img, const ImageRecord &Rec,
                           const std::vector<ImageRecord> &All) {
  const oci::ImageConfig &C = Img.config();
  const oci::ContainerConfig &K = C.Config;
  std::vector<std::string> Tags, Digests;
  for (auto &R : All) {
    if (R.Id != Rec.Id || !R.Ref)
      continue;
    if (!R.Ref->tag().empty() && !llvm::is_contained(Tags, R.Ref->familiar()))
      Tags.push_back(R.Ref->familiar());
    std::string D = R.Ref->familiarName() + "@" + R.ManifestDigest.str();
    if (!llvm::is_contained(Digests, D))
      Digests.push_back(D);
  }
  json Raw = json::parse(Img.rawConfig().begin(), Img.rawConfig().end(), nullptr, false);
  auto RawStr = [&](const char *Key) {
    if (Raw.is_object() && Raw.contains(Key) && Raw[Key].is_string())
      return Raw[Key].get<std::string>();
    return std::string();
  };
  ordered_json Cfg;
  Cfg["Hostname"] = "";
  Cfg["Domainname"] = "";
  Cfg["User"] = K.User;
  Cfg["AttachStdin"] = false;
  Cfg["AttachStdout"] = false;
  Cfg["AttachStderr"] = false;
  if (!K.ExposedPorts.empty())
    Cfg["ExposedPorts"] = setOrNull(K.ExposedPorts);
  Cfg["Tty"] = false;
  Cfg["OpenStdin"] = false;
  Cfg["StdinOnce"] = false;
  Cfg["Env"] = listOrNull(K.Env);
  Cfg["Cmd"] = K.Cmd ? ordered_json(*K.Cmd) : ordered_json(nullptr);
  if (K.Healthcheck) {
    ordered_json H;
    H["Test"] = K.Healthcheck->Test;
    if (K.Healthcheck->Interval)
      H["Interval"] = K.Healthcheck->Interval;
    if (K.Healthcheck->Timeout)
      H["Timeout"] = K.Healthcheck->Timeout;
    if (K.Healthcheck->StartPeriod)
      H["StartPeriod"] = K.Healthcheck->StartPeriod;
    if (K.Healthcheck->StartInterval)
      H["StartInterval"] = K.Healthcheck->StartInterval;
    if (K.Healthcheck->Retries)
      H["Retries"] = K.Healthcheck->Retries;
    Cfg["Healthcheck"] = H;
  }
  if (K.ArgsEscaped)
    Cfg["ArgsEscaped"] = true;
  Cfg["Image"] = "";
  Cfg["Volumes"] = setOrNull(K.Volumes);
  Cfg["WorkingDir"] = K.WorkingDir;
  Cfg["Entrypoint"] = K.Entrypoint ? ordered_json(*K.Entrypoint) : ordered_json(nullptr);
  Cfg["OnBuild"] = listOrNull(K.OnBuild);
  Cfg["Labels"] = K.Labels.empty() ? ordered_json(nullptr) : ordered_json(K.Labels);
  if (!K.StopSignal.empty())
    Cfg["StopSignal"] = K.StopSignal;
  if (K.Shell)
    Cfg["Shell"] = *K.Shell;

  ordered_json O;
  O["Id"] = Rec.Id.str();
  O["RepoTags"] = Tags;
  O["RepoDigests"] = Digests;
  O["Parent"] = "";
  O["Comment"] = RawStr("comment");
  O["Created"] = C.Created.empty() ? "0001-01-01T00:00:00Z" : C.Created;
  O["DockerVersion"] = RawStr("docker_version");
  O["Author"] = C.Author;
  O["Config"] = Cfg;
  O["Architecture"] = C.Architecture;
  if (!C.Variant.empty())
    O["Variant"] = C.Variant;
  O["Os"] = C.OS;
  O["Size"] = Rec.Size;
  ordered_json Layers = ordered_json::array();
  for (auto &D : C.DiffIDs)
    Layers.push_back(D.str());
  O["RootFS"] = {{"Type", "layers"}, {"Layers", Layers}};
  O["Metadata"] = {{"LastTagTime", "0001-01-01T00:00:00Z"}};
  // Not in Docker's classic output, but what people inspect images for: the config's history.
  ordered_json Hist = ordered_json::array();
  for (auto &H : C.Hist) {
    ordered_json E = ordered_json::object();
    if (!H.Created.empty())
      E["created"] = H.Created;
    if (!H.CreatedBy.empty())
      E["created_by"] = H.CreatedBy;
    if (!H.Author.empty())
      E["author"] = H.Author;
    if (!H.Comment.empty())
      E["comment"] = H.Comment;
    if (H.EmptyLayer)
      E["empty_layer"] = true;
    Hist.push_back(std::move(E));
  }
  O["History"] = std::move(Hist);
  // Docker's containerd store additions that tools read.
  O["Descriptor"] = {{"mediaType", Rec.MediaType},
                     {"digest", Rec.ManifestDigest.str()},
                     {"size", static_cast<int64_t>(Img.rawManifest().size())}};
  return O;
}

llvm::Expected<std::vector<HistoryRow>> imageHistory(const oci::Image &Img, const Store &S) {
  const oci::ImageConfig &C = Img.config();
  const auto &Layers = Img.layers();
  std::vector<HistoryRow> Rows;
  size_t Next = 0;
  std::vector<oci::History> Hist = C.Hist;
  if (Hist.empty()) // configs without history: one row per layer, like Docker
    for (size_t I = 0; I < Layers.size(); ++I)
      Hist.push_back({C.Created, "", "", "", false});
  for (auto &H : Hist) {
    HistoryRow R;
    R.Created = H.Created;
    R.CreatedBy = H.CreatedBy;
    R.Comment = H.Comment;
    if (!H.EmptyLayer && Next < Layers.size()) {
      auto N = S.layerSize(Layers[Next]);
      if (!N)
        return N.takeError();
      R.Size = *N;
      ++Next;
    }
    Rows.push_back(std::move(R));
  }
  std::reverse(Rows.begin(), Rows.end());
  for (size_t I = 0; I < Rows.size(); ++I)
    Rows[I].Id = I == 0 ? Img.id().str() : "<missing>";
  return Rows;
}

namespace {
size_t runes(llvm::StringRef S) {
  return llvm::count_if(S, [](char C) { return (static_cast<unsigned char>(C) & 0xC0) != 0x80; });
}
} // namespace

std::string tabulate(const std::vector<std::string> &Lines) {
  std::vector<std::vector<std::string>> Cells;
  std::vector<size_t> Width;
  for (auto &L : Lines) {
    std::vector<std::string> Row;
    llvm::StringRef Rest = L;
    for (;;) {
      auto [Cell, Tail] = Rest.split('\t');
      Row.push_back(Cell.str());
      if (Tail.data() == nullptr || Cell.size() == Rest.size())
        break;
      Rest = Tail;
    }
    for (size_t I = 0; I + 1 < Row.size(); ++I) {
      if (Width.size() <= I)
        Width.resize(I + 1, 0);
      Width[I] = std::max(Width[I], std::max<size_t>(runes(Row[I]) + 3, 10));
    }
    Cells.push_back(std::move(Row));
  }
  std::string Out;
  for (auto &Row : Cells) {
    for (size_t I = 0; I < Row.size(); ++I) {
      Out += Row[I];
      if (I + 1 < Row.size())
        Out.append(Width[I] - runes(Row[I]), ' ');
    }
    Out += "\n";
  }
  return Out;
}

std::string ellipsis(llvm::StringRef S, size_t N) {
  if (runes(S) <= N)
    return S.str();
  std::string Out;
  size_t Count = 0;
  for (size_t I = 0; I < S.size(); ++I) {
    bool Start = (static_cast<unsigned char>(S[I]) & 0xC0) != 0x80;
    if (Start && ++Count == N)
      break;
    Out += S[I];
  }
  return Out + "\xe2\x80\xa6";
}

nlohmann::json templateView(const nlohmann::ordered_json &Obj) {
  json J = json::parse(Obj.dump());
  if (!J.contains("Config") || !J["Config"].is_object())
    return J;
  json &Cfg = J["Config"];
  for (const char *K : {"Cmd", "Entrypoint", "Env", "OnBuild", "Shell"})
    if (!Cfg.contains(K) || Cfg[K].is_null())
      Cfg[K] = json::array();
  for (const char *K : {"ExposedPorts", "Volumes", "Labels"})
    if (!Cfg.contains(K) || Cfg[K].is_null())
      Cfg[K] = json::object();
  return J;
}

} // namespace ballast::store

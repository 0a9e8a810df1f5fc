//===- Output.cpp - analyze reports: text, json, html ---------------------===//
#include "analyzer/Output.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "llvm/Support/Format.h"

namespace ballast::analyzer {
namespace {

using Json = nlohmann::ordered_json;

/// A double for JSON: null when not finite (dive's 0/0 for a one-layer image).
Json number(double V) { return std::isfinite(V) ? Json(V) : Json(nullptr); }

Json findingJson(const Finding &F) {
  Json J = Json::object();
  J["rule"] = F.RuleId;
  J["severity"] = severityName(F.Sev).str();
  J["message"] = F.Message;
  J["file"] = F.File;
  J["line"] = F.Begin.Line;
  J["column"] = F.Begin.Column;
  J["end_line"] = F.End.Line;
  J["end_column"] = F.End.Column;
  Json Notes = Json::array();
  for (const Note &N : F.Notes)
    Notes.push_back({{"line", N.Begin.Line}, {"column", N.Begin.Column}, {"message", N.Message}});
  J["notes"] = std::move(Notes);
  return J;
}

std::string pct(double V) {
  if (!std::isfinite(V))
    return "n/a";
  char B[32];
  snprintf(B, sizeof B, "%.2f %%", V * 100);
  return B;
}

std::string pad(std::string S, size_t N, bool Right = false) {
  if (S.size() >= N)
    return S;
  return Right ? std::string(N - S.size(), ' ') + S : S + std::string(N - S.size(), ' ');
}

std::string instruction(const LayerReport &L) {
  // An imported layer has no created_by, only docker import's comment: show that.
  std::string S = L.CreatedBy.empty() && !L.Comment.empty() ? "(" + L.Comment + ")" : L.CreatedBy;
  llvm::StringRef R(S);
  if (R.endswith(" # buildkit"))
    S = R.drop_back(11).str();
  for (char &C : S)
    if (C == '\n' || C == '\t')
      C = ' ';
  if (S.empty())
    S = "(history missing)";
  if (S.size() > 90)
    S = S.substr(0, 87) + "...";
  return S;
}

} // namespace

std::string toJson(const Analysis &A, int Indent) {
  Json J = Json::object();
  J["image"] = A.Image;
  J["size_bytes"] = A.SizeBytes;
  J["final_bytes"] = A.FinalBytes;
  J["efficiency"] = number(A.Efficiency);
  J["wasted_bytes"] = A.WastedBytes;
  J["user_wasted_percent"] = number(A.UserWastedPercent);
  Json Reasons = Json::object();
  for (unsigned R = 0; R < NumHideReasons; ++R)
    Reasons[hideReasonName(HideReason(R)).str()] =
        R < A.WastedByReason.size() ? A.WastedByReason[R] : 0;
  J["wasted_by_reason"] = std::move(Reasons);
  J["wasted_labels"] = {{"chmod_chown_only", A.AttrOnlyBytes},
                        {"unchanged_copy", A.UnchangedCopyBytes},
                        {"moved", A.MovedBytes}};
  Json Layers = Json::array();
  for (const LayerReport &L : A.Layers) {
    Json O = Json::object();
    O["index"] = L.Index;
    O["digest"] = L.Digest;
    O["diff_id"] = L.DiffId;
    O["media_type"] = L.MediaType;
    O["compressed_bytes"] = L.CompressedBytes;
    O["tar_bytes"] = L.TarBytes;
    O["size_bytes"] = L.ContentBytes;
    O["entries"] = L.Entries;
    O["wasted_bytes"] = L.WastedBytes;
    O["removed_bytes"] = L.RemovedBytes;
    O["created_by"] = L.CreatedBy;
    O["history_index"] = L.HistoryIndex;
    O["dockerfile_line"] = L.DockerfileLine;
    Layers.push_back(std::move(O));
  }
  J["layers"] = std::move(Layers);
  Json Ineff = Json::array();
  for (const InefficientFile &F : A.Inefficient)
    Ineff.push_back({{"path", F.Path}, {"count", F.Count}, {"wasted_bytes", F.WastedBytes}});
  J["inefficient_files"] = std::move(Ineff);
  Json Dive = Json::object();
  Dive["efficiency"] = number(A.Dive.Efficiency);
  Dive["wasted_bytes"] = A.Dive.WastedBytes;
  Dive["user_wasted_percent"] = number(A.Dive.UserWastedPercent);
  Dive["size_bytes"] = A.Dive.SizeBytes;
  Dive["user_size_bytes"] = A.Dive.UserSizeBytes;
  Json DI = Json::array();
  for (const DiveFile &F : A.Dive.Inefficient)
    DI.push_back({{"path", F.Path}, {"count", F.Count}, {"wasted_bytes", F.WastedBytes}});
  Dive["inefficient_files"] = std::move(DI);
  J["dive"] = std::move(Dive);
  auto Sized = [](const std::vector<SizedPath> &V) {
    Json Arr = Json::array();
    for (const SizedPath &P : V)
      Arr.push_back({{"path", "/" + P.Path}, {"size_bytes", P.Bytes}});
    return Arr;
  };
  J["largest_files"] = Sized(A.LargestFiles);
  J["largest_dirs"] = Sized(A.LargestDirs);
  Json Fs = Json::array();
  for (const Finding &F : A.Findings)
    Fs.push_back(findingJson(F));
  J["findings"] = std::move(Fs);
  return J.dump(Indent, ' ', false, Json::error_handler_t::replace);
}

void writeJson(llvm::raw_ostream &OS, const Analysis &A) { OS << toJson(A) << "\n"; }

void writeText(llvm::raw_ostream &OS, const Analysis &A, unsigned TopFiles) {
  OS << "Image: " << A.Image << "\n\nLayers:\n";
  OS << "  " << pad("#", 4) << pad("SIZE", 10, true) << "  " << pad("WASTED", 10, true)
     << "  INSTRUCTION\n";
  for (const LayerReport &L : A.Layers) {
    std::string Ins = instruction(L);
    if (L.DockerfileLine)
      Ins += "  (line " + std::to_string(L.DockerfileLine) + ")";
    OS << "  " << pad(std::to_string(L.Index), 4) << pad(humanBytes(L.ContentBytes), 10, true)
       << "  " << pad(humanBytes(L.WastedBytes), 10, true) << "  " << Ins << "\n";
  }
  OS << "\n";
  OS << "Total size:      " << humanBytes(A.SizeBytes) << " stored, " << humanBytes(A.FinalBytes)
     << " visible in the final image\n";
  OS << "Efficiency:      " << pct(A.Efficiency) << "  (dive: " << pct(A.Dive.Efficiency) << ")\n";
  OS << "Wasted:          " << humanBytes(A.WastedBytes)
     << "  (dive: " << humanBytes(int64_t(A.Dive.WastedBytes)) << ")\n";
  for (unsigned R = 0; R < NumHideReasons && R < A.WastedByReason.size(); ++R)
    if (A.WastedByReason[R])
      OS << "  " << pad(hideReasonName(HideReason(R)).str() + ":", 15)
         << humanBytes(A.WastedByReason[R]) << "\n";
  if (A.AttrOnlyBytes)
    OS << "  of which chmod/chown-only copies: " << humanBytes(A.AttrOnlyBytes) << "\n";
  if (A.MovedBytes)
    OS << "  of which moved files: " << humanBytes(A.MovedBytes) << "\n";
  if (A.UnchangedCopyBytes)
    OS << "  of which unchanged copies: " << humanBytes(A.UnchangedCopyBytes) << "\n";
  OS << "User wasted:     " << pct(A.UserWastedPercent)
     << "  (dive: " << pct(A.Dive.UserWastedPercent) << ")\n\n";
  OS << "Top inefficient files:\n";
  if (A.Inefficient.empty())
    OS << "  none\n";
  else
    OS << "  " << pad("COUNT", 6) << pad("WASTED", 10, true) << "  PATH\n";
  for (size_t I = 0; I < A.Inefficient.size() && I < TopFiles; ++I)
    OS << "  " << pad(std::to_string(A.Inefficient[I].Count), 6)
       << pad(humanBytes(A.Inefficient[I].WastedBytes), 10, true) << "  " << A.Inefficient[I].Path
       << "\n";
  if (!A.Findings.empty()) {
    OS << "\nFindings:\n";
    for (const Finding &F : A.Findings) {
      OS << "  ";
      if (F.Begin.Line)
        OS << F.File << ":" << F.Begin.Line << ":" << F.Begin.Column << ": ";
      OS << F.RuleId << " " << severityName(F.Sev) << ": " << F.Message << "\n";
    }
  }
}

void writeHtml(llvm::raw_ostream &OS, const Analysis &A) {
  // The data the page draws from; "</" is escaped so no string can close the script element.
  Json Files = Json::array();
  {
    // Final files (largest first, capped) plus every path with hidden bytes.
    std::vector<std::pair<std::string, int64_t>> V;
    for (const auto &[P, N] : A.Tree.Nodes)
      if (N.Stored >= 0)
        V.push_back({P, A.Tree.Stored[N.Stored].Size});
    std::stable_sort(V.begin(), V.end(),
                     [](const auto &X, const auto &Y) { return X.second > Y.second; });
    if (V.size() > 2000)
      V.resize(2000);
    std::map<std::string, const InefficientFile *> Waste;
    for (const InefficientFile &F : A.Inefficient)
      Waste["/" == F.Path.substr(0, 1) ? F.Path.substr(1) : F.Path] = &F;
    for (auto &[P, S] : V) {
      auto W = Waste.find(P);
      Files.push_back({{"path", "/" + P},
                       {"size", S},
                       {"layer", A.Tree.Nodes.at(P).Layer},
                       {"wasted", W == Waste.end() ? 0 : W->second->WastedBytes}});
      if (W != Waste.end())
        Waste.erase(W);
    }
    for (auto &[P, F] : Waste)
      Files.push_back(
          {{"path", F->Path}, {"size", 0}, {"layer", nullptr}, {"wasted", F->WastedBytes}});
  }
  std::string Data = toJson(A, -1);
  std::string FilesJson = Files.dump(-1, ' ', false, Json::error_handler_t::replace);
  auto Escape = [](std::string S) {
    std::string O;
    for (size_t I = 0; I < S.size(); ++I) {
      if (S[I] == '<' && I + 1 < S.size() && S[I + 1] == '/')
        O += "<\\";
      else
        O += S[I];
    }
    return O;
  };
  auto Html = [](llvm::StringRef S) {
    std::string O;
    for (char C : S) {
      if (C == '<')
        O += "&lt;";
      else if (C == '>')
        O += "&gt;";
      else if (C == '&')
        O += "&amp;";
      else if (C == '"')
        O += "&quot;";
      else
        O += C;
    }
    return O;
  };
  OS << R"html(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>ballast analyze: )html"
     << Html(A.Image) << R"html(</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px} h2{font-size:16px;margin-top:28px}
.metrics{display:flex;gap:24px;flex-wrap:wrap}
.metric{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px}
.metric b{display:block;font-size:20px}
.metric small{color:#666}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #eee;padding:4px 8px;text-align:left}
th{cursor:pointer;background:#f6f6f6;user-select:none}
td.num,th.num{text-align:right}
.bar-stored{fill:#4a90d9}.bar-wasted{fill:#d94a4a}
#chart text{font-size:11px;fill:#333}
</style></head><body>
<h1>ballast analyze: )html"
     << Html(A.Image) << R"html(</h1>
<div class="metrics" id="metrics"></div>
<h2>Layers</h2>
<svg id="chart" width="1100" height="10" role="img" aria-label="layer sizes and waste"></svg>
<h2>Files</h2>
<table id="files"><thead><tr>
<th data-key="path">Path</th><th data-key="size" class="num">Size</th>
<th data-key="wasted" class="num">Wasted</th><th data-key="layer" class="num">Layer</th>
</tr></thead><tbody></tbody></table>
<h2>Findings</h2>
<table id="findings"><thead><tr><th>Rule</th><th>Severity</th><th>Where</th><th>Message</th></tr></thead><tbody></tbody></table>
<script id="analysis" type="application/json">)html"
     << Escape(Data) << R"html(</script>
<script id="file-data" type="application/json">)html"
     << Escape(FilesJson) << R"html(</script>
<script>
(function(){
var A=JSON.parse(document.getElementById('analysis').textContent);
var F=JSON.parse(document.getElementById('file-data').textContent);
function human(b){if(b===null)return'';if(b<10)return b+' B';var u=['B','kB','MB','GB','TB','PB'];
var e=Math.floor(Math.log(b)/Math.log(1000));var v=Math.floor(b/Math.pow(1000,e)*10+0.5)/10;
if(v>=10){var f=Math.floor(v);v=(v-f===0.5&&f%2===0)?f:Math.round(v);return v+' '+u[e];}
return v.toFixed(1)+' '+u[e];}
function pct(v){return v===null?'n/a':(v*100).toFixed(2)+' %';}
function el(t,attrs,text){var e=document.createElement(t);for(var k in attrs)e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;return e;}
var M=document.getElementById('metrics');
[['Efficiency',pct(A.efficiency),'dive: '+pct(A.dive.efficiency)],
 ['Wasted',human(A.wasted_bytes),'dive: '+human(A.dive.wasted_bytes)],
 ['User wasted',pct(A.user_wasted_percent),'dive: '+pct(A.dive.user_wasted_percent)],
 ['Stored',human(A.size_bytes),human(A.final_bytes)+' visible']].forEach(function(m){
 var d=el('div',{'class':'metric'});d.appendChild(el('span',{},m[0]));d.appendChild(el('b',{},m[1]));
 d.appendChild(el('small',{},m[2]));M.appendChild(d);});
var NS='http://www.w3.org/2000/svg',svg=document.getElementById('chart');
var max=1;A.layers.forEach(function(l){max=Math.max(max,l.size_bytes);});
var rowH=26,left=60,width=600;svg.setAttribute('height',A.layers.length*rowH+10);
A.layers.forEach(function(l,i){
 var y=5+i*rowH;function r(cls,w){var e=document.createElementNS(NS,'rect');e.setAttribute('class',cls);
 e.setAttribute('x',left);e.setAttribute('y',y);e.setAttribute('height',rowH-8);e.setAttribute('width',Math.max(1,w));
 var t=document.createElementNS(NS,'title');t.textContent='layer '+l.index+': '+human(l.size_bytes)+' stored, '+human(l.wasted_bytes)+' wasted';e.appendChild(t);svg.appendChild(e);}
 r('bar-stored',width*l.size_bytes/max);if(l.wasted_bytes>0)r('bar-wasted',width*l.wasted_bytes/max);
 var t=document.createElementNS(NS,'text');t.setAttribute('x',4);t.setAttribute('y',y+13);t.textContent='#'+l.index;svg.appendChild(t);
 var c=document.createElementNS(NS,'text');c.setAttribute('x',left+width+10);c.setAttribute('y',y+13);
 c.textContent=human(l.size_bytes)+(l.wasted_bytes?' ('+human(l.wasted_bytes)+' wasted) ':' ')+(l.created_by||'').slice(0,60);svg.appendChild(c);});
var body=document.querySelector('#files tbody'),sortKey='size',desc=true;
function render(){F.sort(function(a,b){var x=a[sortKey],y=b[sortKey];if(x===y)return a.path<b.path?-1:1;
 if(x===null)return 1;if(y===null)return -1;var c=x<y?-1:1;return desc?-c:c;});
 body.textContent='';F.forEach(function(f){var tr=el('tr',{'class':'file-row'});tr.appendChild(el('td',{},f.path));
 tr.appendChild(el('td',{'class':'num'},human(f.size)));tr.appendChild(el('td',{'class':'num'},f.wasted?human(f.wasted):''));
 tr.appendChild(el('td',{'class':'num'},f.layer===null?'hidden':String(f.layer)));body.appendChild(tr);});
 document.getElementById('files').setAttribute('data-sorted',sortKey+(desc?'-desc':'-asc'));}
document.querySelectorAll('#files th').forEach(function(th){th.addEventListener('click',function(){
 var k=th.getAttribute('data-key');if(k===sortKey)desc=!desc;else{sortKey=k;desc=k!=='path';}render();});});
render();
var fb=document.querySelector('#findings tbody');A.findings.forEach(function(f){var tr=el('tr',{'class':'finding-row'});
 tr.appendChild(el('td',{},f.rule));tr.appendChild(el('td',{},f.severity));
 tr.appendChild(el('td',{},f.line?f.file+':'+f.line:f.file));tr.appendChild(el('td',{},f.message));fb.appendChild(tr);});
document.body.setAttribute('data-rendered','yes');
})();
</script></body></html>
)html";
}

} // namespace ballast::analyzer

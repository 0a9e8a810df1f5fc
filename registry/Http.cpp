//===- Http.cpp - One HTTP exchange over libcurl --------------------------===//
//
// libcurl is loaded on first use with dlopen("libcurl.so.4"), not linked: its dependency tree
// (TLS, Kerberos, LDAP, IDN... about 35 shared libraries) then costs nothing to the commands
// that never talk HTTP (`ballast lint`, `ballast version`). Only the types and constants come
// from <curl/curl.h>; every call goes through the table of registry/Curl.h.
//
//===----------------------------------------------------------------------===//
#include "registry/Http.h"
#include "registry/Curl.h"
#include "support/DynamicLibrary.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include "llvm/ADT/StringExtras.h"

namespace ballast::registry {

namespace {

/// Shorthand inside this file.
const CurlApi &curl() { return curlApi(); }

/// RAII for the request's header list.
struct SList {
  curl_slist *L = nullptr;
  ~SList() {
    if (L)
      curl().SlistFreeAll(L);
  }
  void add(const std::string &S) { L = curl().SlistAppend(L, S.c_str()); }
};

struct Exchange {
  const HttpRequest *Req;
  HttpResponse *Resp;
  CURL *H;
  size_t BodyOffset = 0;
  bool StatusKnown = false;
};

size_t onHeader(char *Buf, size_t Size, size_t N, void *P) {
  auto *X = static_cast<Exchange *>(P);
  llvm::StringRef Line(Buf, Size * N);
  Line = Line.rtrim("\r\n");
  if (Line.startswith("HTTP/")) {
    // A new status line (after 100 Continue, for instance): start over.
    X->Resp->Headers.clear();
    llvm::StringRef Rest = Line.split(' ').second;
    long Code = 0;
    Rest.split(' ').first.getAsInteger(10, Code);
    X->Resp->Status = Code;
    return Size * N;
  }
  auto [Name, Value] = Line.split(':');
  if (!Value.data() || Name.empty())
    return Size * N;
  X->Resp->Headers.emplace_back(Name.trim().lower(), Value.trim().str());
  return Size * N;
}

size_t onWrite(char *Buf, size_t Size, size_t N, void *P) {
  auto *X = static_cast<Exchange *>(P);
  size_t Len = Size * N;
  long Status = X->Resp->Status;
  if (X->Req->Sink && Status >= 200 && Status < 300) {
    if (!X->Req->Sink(*X->Resp, Buf, Len))
      return 0; // CURLE_WRITE_ERROR
    X->Resp->SinkBytes += Len;
    return Len;
  }
  if (X->Resp->Body.size() + Len > X->Req->MaxBody) {
    X->Resp->BodyTooLarge = true;
    return 0;
  }
  X->Resp->Body.append(Buf, Len);
  return Len;
}

size_t onRead(char *Buf, size_t Size, size_t N, void *P) {
  auto *X = static_cast<Exchange *>(P);
  size_t Len = Size * N;
  if (X->Req->BodySource)
    return X->Req->BodySource(Buf, Len);
  const std::string &B = X->Req->Body;
  size_t Take = std::min(Len, B.size() - X->BodyOffset);
  std::copy_n(B.data() + X->BodyOffset, Take, Buf); // a byte range, not a C string
  X->BodyOffset += Take;
  return Take;
}

int onSeek(void *P, curl_off_t Off, int Origin) {
  auto *X = static_cast<Exchange *>(P);
  if (X->Req->BodySource || Origin != SEEK_SET || Off < 0 ||
      static_cast<size_t>(Off) > X->Req->Body.size())
    return CURL_SEEKFUNC_CANTSEEK;
  X->BodyOffset = Off;
  return CURL_SEEKFUNC_OK;
}

} // namespace

CurlApi::CurlApi() {
  DynamicLibrary Lib({"libcurl", "libcurl.so.4", "7.62", "libcurl4"});
  Lib.get(GlobalInit, "curl_global_init");
  Lib.get(EasyInit, "curl_easy_init");
  Lib.get(EasyCleanup, "curl_easy_cleanup");
  Lib.get(EasyReset, "curl_easy_reset");
  Lib.get(EasySetopt, "curl_easy_setopt");
  Lib.get(EasyPerform, "curl_easy_perform");
  Lib.get(EasyGetinfo, "curl_easy_getinfo");
  Lib.get(EasyStrerror, "curl_easy_strerror");
  Lib.get(SlistAppend, "curl_slist_append");
  Lib.get(SlistFreeAll, "curl_slist_free_all");
  Lib.get(Url, "curl_url");
  Lib.get(UrlSet, "curl_url_set");
  Lib.get(UrlGet, "curl_url_get");
  Lib.get(UrlCleanup, "curl_url_cleanup");
  Lib.get(Free, "curl_free");
  Error = Lib.finish();
  if (!Error.empty())
    return;
  // curl_global_init once per process, before any thread uses libcurl.
  if (CURLcode C = GlobalInit(CURL_GLOBAL_DEFAULT); C != CURLE_OK)
    Error = std::string("cannot initialise libcurl: ") + EasyStrerror(C) +
            "; check the TLS libraries libcurl uses";
}

const CurlApi &curlApi() {
  static const CurlApi Api;
  return Api;
}

std::string HttpResponse::header(llvm::StringRef Name) const {
  std::string Want = Name.lower();
  for (auto It = Headers.rbegin(); It != Headers.rend(); ++It)
    if (It->first == Want)
      return It->second;
  return "";
}

bool HttpResponse::transient() const {
  switch (CurlCode) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_PARTIAL_FILE:
  case CURLE_GOT_NOTHING:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_COULDNT_RESOLVE_HOST: return true;
  default: return false;
  }
}

Transport::Transport() = default;

Transport::~Transport() {
  for (void *H : Idle)
    curl().EasyCleanup(static_cast<CURL *>(H));
}

void *Transport::acquire() {
  {
    std::lock_guard<std::mutex> L(Mu);
    if (!Idle.empty()) {
      void *H = Idle.back();
      Idle.pop_back();
      return H;
    }
  }
  return curl().loaded() ? curl().EasyInit() : nullptr;
}

void Transport::release(void *H) {
  std::lock_guard<std::mutex> L(Mu);
  Idle.push_back(H);
}

HttpResponse Transport::send(const HttpRequest &R) {
  HttpResponse Resp;
  CURL *H = static_cast<CURL *>(acquire());
  const CurlApi &Api = curl();
  if (!H) {
    Resp.CurlCode = CURLE_FAILED_INIT;
    Resp.CurlError = Api.loaded() ? "cannot initialise libcurl; check memory and the TLS "
                                    "libraries libcurl uses"
                                  : Api.Error;
    return Resp;
  }
  Api.EasyReset(H);
  Exchange X{&R, &Resp, H};
  char ErrBuf[CURL_ERROR_SIZE] = {0};
  SList Hdrs;
  for (auto &S : R.Headers)
    Hdrs.add(S);
  Hdrs.add("Expect:"); // no 100-continue round trip
  Api.EasySetopt(H, CURLOPT_URL, R.Url.c_str());
  Api.EasySetopt(H, CURLOPT_ERRORBUFFER, ErrBuf);
  Api.EasySetopt(H, CURLOPT_NOSIGNAL, 1L);
  Api.EasySetopt(H, CURLOPT_FOLLOWLOCATION, 0L);
  Api.EasySetopt(H, CURLOPT_PROTOCOLS_STR, "http,https");
  Api.EasySetopt(H, CURLOPT_HEADERFUNCTION, onHeader);
  Api.EasySetopt(H, CURLOPT_HEADERDATA, &X);
  Api.EasySetopt(H, CURLOPT_WRITEFUNCTION, onWrite);
  Api.EasySetopt(H, CURLOPT_WRITEDATA, &X);
  Api.EasySetopt(H, CURLOPT_CONNECTTIMEOUT, R.ConnectTimeoutSec);
  Api.EasySetopt(H, CURLOPT_LOW_SPEED_LIMIT, 1L);
  Api.EasySetopt(H, CURLOPT_LOW_SPEED_TIME, R.LowSpeedTimeSec);
  Api.EasySetopt(H, CURLOPT_BUFFERSIZE, 256L * 1024);
  Api.EasySetopt(H, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
  Api.EasySetopt(H, CURLOPT_TCP_KEEPALIVE, 1L);
  Api.EasySetopt(H, CURLOPT_SSL_VERIFYPEER, R.Tls.Verify ? 1L : 0L);
  Api.EasySetopt(H, CURLOPT_SSL_VERIFYHOST, R.Tls.Verify ? 2L : 0L);
  curl_blob CaBlob;
  if (!R.Tls.ExtraCAs.empty()) {
    CaBlob.data = const_cast<char *>(R.Tls.ExtraCAs.data());
    CaBlob.len = R.Tls.ExtraCAs.size();
    CaBlob.flags = CURL_BLOB_NOCOPY;
    Api.EasySetopt(H, CURLOPT_CAINFO_BLOB, &CaBlob);
  }
  if (!R.Tls.ClientCert.empty()) {
    Api.EasySetopt(H, CURLOPT_SSLCERT, R.Tls.ClientCert.c_str());
    Api.EasySetopt(H, CURLOPT_SSLKEY, R.Tls.ClientKey.c_str());
  }

  bool HasBody = R.BodySource || !R.Body.empty();
  if (R.Method == "HEAD") {
    Api.EasySetopt(H, CURLOPT_NOBODY, 1L);
  } else if (R.Method == "GET") {
    Api.EasySetopt(H, CURLOPT_HTTPGET, 1L);
  } else {
    Api.EasySetopt(H, CURLOPT_CUSTOMREQUEST, R.Method.c_str());
    if (HasBody || R.Method == "PUT" || R.Method == "POST" || R.Method == "PATCH") {
      Api.EasySetopt(H, CURLOPT_UPLOAD, 1L);
      Api.EasySetopt(H, CURLOPT_READFUNCTION, onRead);
      Api.EasySetopt(H, CURLOPT_READDATA, &X);
      Api.EasySetopt(H, CURLOPT_SEEKFUNCTION, onSeek);
      Api.EasySetopt(H, CURLOPT_SEEKDATA, &X);
      curl_off_t Size = R.BodySource ? R.BodySize : static_cast<curl_off_t>(R.Body.size());
      Api.EasySetopt(H, CURLOPT_INFILESIZE_LARGE, Size);
    }
  }
  Api.EasySetopt(H, CURLOPT_HTTPHEADER, Hdrs.L);

  CURLcode C = Api.EasyPerform(H);
  if (C != CURLE_OK) {
    Resp.CurlCode = C;
    Resp.CurlError = ErrBuf[0] ? std::string(ErrBuf) : Api.EasyStrerror(C);
    if (Resp.BodyTooLarge)
      Resp.CurlError = "response body larger than " + std::to_string(R.MaxBody) + " bytes";
  } else {
    long Code = 0;
    Api.EasyGetinfo(H, CURLINFO_RESPONSE_CODE, &Code);
    Resp.Status = Code;
    char *Redirect = nullptr;
    if (Api.EasyGetinfo(H, CURLINFO_REDIRECT_URL, &Redirect) == CURLE_OK && Redirect)
      Resp.RedirectUrl = Redirect;
  }
  Api.EasySetopt(H, CURLOPT_ERRORBUFFER, nullptr);
  Api.EasySetopt(H, CURLOPT_HTTPHEADER, nullptr);
  release(H);
  return Resp;
}

std::string resolveUrl(llvm::StringRef Base, llvm::StringRef Location) {
  std::string Out = Location.str();
  const CurlApi &Api = curl();
  // Without libcurl no request can be sent either; Location is kept as written.
  if (!Api.loaded())
    return Out;
  CURLU *U = Api.Url();
  if (!U)
    return Out;
  if (Api.UrlSet(U, CURLUPART_URL, Base.str().c_str(), 0) == CURLUE_OK &&
      Api.UrlSet(U, CURLUPART_URL, Location.str().c_str(), 0) == CURLUE_OK) {
    char *S = nullptr;
    if (Api.UrlGet(U, CURLUPART_URL, &S, 0) == CURLUE_OK) {
      Out = S;
      Api.Free(S);
    }
  }
  Api.UrlCleanup(U);
  return Out;
}

std::string urlAuthority(llvm::StringRef Url) {
  llvm::StringRef Rest = Url;
  size_t P = Rest.find("://");
  if (P != llvm::StringRef::npos)
    Rest = Rest.drop_front(P + 3);
  Rest = Rest.take_until([](char C) { return C == '/' || C == '?' || C == '#'; });
  if (size_t At = Rest.rfind('@'); At != llvm::StringRef::npos)
    Rest = Rest.drop_front(At + 1);
  std::string A = Rest.lower();
  // Default ports are the same authority.
  llvm::StringRef Scheme = P == llvm::StringRef::npos ? "" : Url.take_front(P);
  if (Scheme.equals_insensitive("https") && llvm::StringRef(A).endswith(":443"))
    A.resize(A.size() - 4);
  if (Scheme.equals_insensitive("http") && llvm::StringRef(A).endswith(":80"))
    A.resize(A.size() - 3);
  return A;
}

std::string urlEncode(llvm::StringRef S) {
  std::string Out;
  for (unsigned char C : S) {
    if (isalnum(C) || C == '-' || C == '_' || C == '.' || C == '~')
      Out += C;
    else {
      char B[4];
      snprintf(B, sizeof B, "%%%02X", C);
      Out += B;
    }
  }
  return Out;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64Encode(llvm::StringRef S) {
  std::string Out;
  size_t I = 0;
  for (; I + 2 < S.size(); I += 3) {
    uint32_t V = (uint8_t(S[I]) << 16) | (uint8_t(S[I + 1]) << 8) | uint8_t(S[I + 2]);
    Out += B64[V >> 18];
    Out += B64[(V >> 12) & 63];
    Out += B64[(V >> 6) & 63];
    Out += B64[V & 63];
  }
  if (I + 1 == S.size()) {
    uint32_t V = uint8_t(S[I]) << 16;
    Out += B64[V >> 18];
    Out += B64[(V >> 12) & 63];
    Out += "==";
  } else if (I + 2 == S.size()) {
    uint32_t V = (uint8_t(S[I]) << 16) | (uint8_t(S[I + 1]) << 8);
    Out += B64[V >> 18];
    Out += B64[(V >> 12) & 63];
    Out += B64[(V >> 6) & 63];
    Out += '=';
  }
  return Out;
}

bool base64Decode(llvm::StringRef S, std::string &Out) {
  Out.clear();
  uint32_t Acc = 0;
  int Bits = 0;
  for (char C : S) {
    int V;
    if (C >= 'A' && C <= 'Z')
      V = C - 'A';
    else if (C >= 'a' && C <= 'z')
      V = C - 'a' + 26;
    else if (C >= '0' && C <= '9')
      V = C - '0' + 52;
    else if (C == '+' || C == '-')
      V = 62;
    else if (C == '/' || C == '_')
      V = 63;
    else if (C == '=')
      break;
    else
      return false;
    Acc = (Acc << 6) | V;
    Bits += 6;
    if (Bits >= 8) {
      Bits -= 8;
      Out += char((Acc >> Bits) & 0xff);
    }
  }
  return true;
}

} // namespace ballast::registry

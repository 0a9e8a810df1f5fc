//===- Curl.h - libcurl, loaded on first use ---------------------*- C++ -*-===//
//
// libcurl is not linked into ballast: curlApi() loads libcurl.so.4 with dlopen the first time
// a command needs HTTP and resolves the functions ballast calls. Its dependency tree (TLS,
// Kerberos, LDAP, IDN... about 35 shared libraries) then costs nothing to the commands that never
// send a request (`ballast lint`, `ballast version`). Only the types and constants come from
// <curl/curl.h>. registry/Http.cpp is the user; any other libcurl caller goes through this table
// too, so that no library of ballast links libcurl.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include <curl/curl.h>

namespace ballast::registry {

/// The libcurl functions ballast calls, resolved once from libcurl.so.4; the library stays
/// loaded for the life of the process (handles may outlive any one caller).
struct CurlApi {
  CURLcode (*GlobalInit)(long) = nullptr;
  CURL *(*EasyInit)() = nullptr;
  void (*EasyCleanup)(CURL *) = nullptr;
  void (*EasyReset)(CURL *) = nullptr;
  CURLcode (*EasySetopt)(CURL *, CURLoption, ...) = nullptr;
  CURLcode (*EasyPerform)(CURL *) = nullptr;
  CURLcode (*EasyGetinfo)(CURL *, CURLINFO, ...) = nullptr;
  const char *(*EasyStrerror)(CURLcode) = nullptr;
  curl_slist *(*SlistAppend)(curl_slist *, const char *) = nullptr;
  void (*SlistFreeAll)(curl_slist *) = nullptr;
  CURLU *(*Url)() = nullptr;
  CURLUcode (*UrlSet)(CURLU *, CURLUPart, const char *, unsigned) = nullptr;
  CURLUcode (*UrlGet)(const CURLU *, CURLUPart, char **, unsigned) = nullptr;
  void (*UrlCleanup)(CURLU *) = nullptr;
  void (*Free)(void *) = nullptr;
  /// Empty when loaded; otherwise why not (`what is wrong; how to fix`).
  std::string Error;

  /// Loads the library and runs curl_global_init (use curlApi(), not this).
  CurlApi();
  /// Whether every function was found and libcurl initialised.
  bool loaded() const { return Error.empty(); }
};

/// The process-wide table, loaded on first use (thread-safe); check loaded() before calling.
const CurlApi &curlApi();

} // namespace ballast::registry

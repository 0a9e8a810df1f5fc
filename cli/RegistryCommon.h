//===- RegistryCommon.h - Flags pull, push and login share -------*- C++ -*-===//
#pragma once

#include "cli/ImageCommon.h"
#include "registry/Transfer.h"

namespace ballast::cli {

/// `--tls-verify[=false]`.
inline const FlagSpec TlsVerifyFlag = {
    "tls-verify", 0, false,
    "verify the registry's TLS certificate (default: yes, except for localhost registries); "
    "=false also allows plain HTTP"};
/// `--cert-dir DIR`.
inline const FlagSpec CertDirFlag = {
    "cert-dir", 0, true,
    "extra CA certificates (*.crt) and client certificate (*.cert, *.key) for the registry "
    "(default /etc/docker/certs.d/HOST)",
    "DIR"};
/// `-q/--quiet`.
inline const FlagSpec QuietFlag = {"quiet", 'q', false, "print only the result"};

/// Registry client options from the shared flags.
inline registry::ClientOptions clientOptions(const Args &A) {
  registry::ClientOptions O;
  if (A.has("tls-verify"))
    O.TlsVerify = A.flag("tls-verify");
  O.CertDir = A.get("cert-dir").value_or("");
  return O;
}

} // namespace ballast::cli

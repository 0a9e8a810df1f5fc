//===- DynamicLibrary.cpp - A library's functions, loaded with dlopen -----===//
#include "support/DynamicLibrary.h"

#include <dlfcn.h>

namespace ballast {

DynamicLibrary::DynamicLibrary(const LibrarySpec &Spec) : Spec(Spec) {
  Handle = dlopen(Spec.Soname, RTLD_NOW | RTLD_LOCAL);
  if (!Handle) {
    const char *Why = dlerror();
    Error = std::string("cannot load ") + Spec.Name + " (" + Spec.Soname + ": " +
            (Why ? Why : "not found") + "); install it (Debian: apt-get install " + Spec.Package +
            ")";
  }
}

void *DynamicLibrary::symbol(const char *Symbol) {
  if (!Handle)
    return nullptr;
  void *P = dlsym(Handle, Symbol);
  if (!P && Error.empty())
    Error = std::string(Spec.Soname) + " has no " + Symbol + "; install " + Spec.Name + " " +
            Spec.MinVersion + " or newer (Debian: apt-get install " + Spec.Package + ")";
  return P;
}

std::string DynamicLibrary::finish() {
  if (!Error.empty() && Handle) {
    dlclose(Handle);
    Handle = nullptr;
  }
  return Error;
}

} // namespace ballast

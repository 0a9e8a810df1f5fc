//===- GoTemplateFuzzer.cpp - Go template parsing and rendering -----------===//
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "support/GoTemplate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using ballast::GoTemplate;
  static const nlohmann::json Doc = nlohmann::json::parse(R"({
    "Id": "sha256:abc", "RepoTags": ["app:1", "app:latest"], "Os": "linux",
    "Architecture": "amd64", "Size": 12345, "Ratio": 0.5, "Null": null, "Yes": true,
    "Config": {"Cmd": ["node", "app.js"], "Env": ["A=1", "B=<2>"],
               "Labels": {"b": "2", "a": "1"}, "Healthcheck": null, "ExposedPorts": {}},
    "RootFS": {"Layers": ["sha256:1", "sha256:2"]}})");
  auto T = GoTemplate::parse(std::string(reinterpret_cast<const char *>(Data), Size));
  if (!T) {
    llvm::consumeError(T.takeError());
    return 0;
  }
  for (const nlohmann::json *D : {&Doc, &Doc["Config"], &Doc["RepoTags"]}) {
    auto Out = T->render(*D);
    if (!Out)
      llvm::consumeError(Out.takeError());
  }
  return 0;
}

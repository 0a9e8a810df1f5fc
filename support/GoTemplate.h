//===- GoTemplate.h - The Go text/template subset of docker -f ---*- C++ -*-===//
//
// `docker inspect -f` and `docker images --format` take Go templates. This is the subset people
// use: `{{.A.B}}`, `{{json .X}}`, `{{index .M "k"}}` / `{{index .L 0}}`, `{{range .L}}..{{end}}`,
// `{{if}}/{{else}}/{{end}}`, `{{.}}`, `{{join .L ","}}`, `{{upper}}`, `{{lower}}`, `{{len}}`,
// `{{println}}`, `{{printf "%s" .X}}`, pipelines (`{{.X | json}}`), `{{- trim -}}`, and Go's
// value printing (`[node app.js]`, `map[a:b]`, `<nil>`, `<no value>`). Also: `{{with}}`, `$x :=`,
// `{{range $k, $v := .M}}`, `{{break}}`/`{{continue}}`, `and`/`or`/`not`, `eq`/`ne`/`lt`/...,
// `slice`, `print`, comments, and docker's `split`/`title`/`pad`/`truncate`. JSON numbers that are
// integers print as Go ints; other numbers as Go's float64 (`1e+06`). `{{define}}`/`{{template}}`
// are not supported. Docker's `table` prefix is handled by the caller.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast {

/// A parsed template; parse once, render for each value.
class GoTemplate {
public:
  /// Parses Text; errors look like Go's: `template: :1: unexpected "}" in operand` (Go names
  /// the line only for parse errors).
  static llvm::Expected<GoTemplate> parse(llvm::StringRef Text);
  GoTemplate(GoTemplate &&) noexcept;
  GoTemplate &operator=(GoTemplate &&) noexcept;
  ~GoTemplate();
  /// Executes against Data (a JSON value standing for Go's struct/map/slice values). Errors look
  /// like Go's: `template: :1:2: executing "" at <.Os.X>: can't evaluate field X in type ...`.
  llvm::Expected<std::string> render(const nlohmann::json &Data) const;

private:
  GoTemplate();
  struct Impl;
  std::unique_ptr<Impl> P;
};

} // namespace ballast

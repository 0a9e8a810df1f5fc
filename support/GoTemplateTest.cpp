//===- GoTemplateTest.cpp - The Go text/template subset of docker -f ------===//
//
// Expected outputs are what `docker inspect -f` / `docker images --format` print (Go's
// text/template and fmt) for the same data.
//
//===----------------------------------------------------------------------===//
#include "support/GoTemplate.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace ballast;
using nlohmann::json;

namespace {
const json &image() {
  static const json J = json::parse(R"({
    "Id": "sha256:4a8b1c2d3e4f",
    "RepoTags": ["app:1.0", "app:latest"],
    "RepoDigests": [],
    "Os": "linux",
    "Architecture": "amd64",
    "Size": 123456789,
    "Ratio": 0.25,
    "Big": 1000000.0,
    "Small": 0.00001,
    "Nothing": null,
    "Config": {
      "Cmd": ["node", "app.js"],
      "Entrypoint": null,
      "Env": ["PATH=/usr/bin", "NODE_ENV=production"],
      "Labels": {"version": "1.0", "maintainer": "dev <dev@example.com>"},
      "ExposedPorts": {"8080/tcp": {}, "443/tcp": {}},
      "Healthcheck": null,
      "User": "",
      "ArgsEscaped": true
    },
    "RootFS": {"Type": "layers", "Layers": ["sha256:aaa", "sha256:bbb"]}
  })");
  return J;
}

std::string render(llvm::StringRef Tmpl, const json &Data = image()) {
  auto T = GoTemplate::parse(Tmpl);
  if (!T)
    return "parse error: " + llvm::toString(T.takeError());
  auto Out = T->render(Data);
  if (!Out)
    return "exec error: " + llvm::toString(Out.takeError());
  return *Out;
}
} // namespace

TEST(GoTemplateTest, FieldsAndGoPrinting) {
  EXPECT_EQ(render("{{.Config.Cmd}}"), "[node app.js]");
  EXPECT_EQ(render("{{.Os}}/{{.Architecture}}"), "linux/amd64");
  EXPECT_EQ(render("{{.Config.Labels}}"), "map[maintainer:dev <dev@example.com> version:1.0]");
  EXPECT_EQ(render("{{.Config.ExposedPorts}}"), "map[443/tcp:map[] 8080/tcp:map[]]");
  EXPECT_EQ(render("{{.Config.Entrypoint}}"), "<nil>");
  EXPECT_EQ(render("{{.Nothing}}"), "<nil>");
  EXPECT_EQ(render("{{.NoSuchKey}}"), "<no value>");
  EXPECT_EQ(render("{{.NoSuchKey.Deeper}}"), "<no value>");
  EXPECT_EQ(render("{{.RepoDigests}}"), "[]");
  EXPECT_EQ(render("{{.Size}}"), "123456789");
  EXPECT_EQ(render("{{.Ratio}}"), "0.25");
  EXPECT_EQ(render("{{.Big}}"), "1e+06");
  EXPECT_EQ(render("{{.Small}}"), "1e-05");
  EXPECT_EQ(render("{{.Config.ArgsEscaped}}"), "true");
  EXPECT_EQ(render("{{.}}", json::parse(R"({"a":[1,2.5,"x",null,true,{"k":[]}]})")),
            "map[a:[1 2.5 x <nil> true map[k:[]]]]");
  EXPECT_EQ(render("{{.Repository}}:{{.Tag}}", json{{"Repository", "nginx"}, {"Tag", "1.25"}}),
            "nginx:1.25");
  EXPECT_EQ(render("plain text only"), "plain text only");
  EXPECT_EQ(render(""), "");
}

TEST(GoTemplateTest, FloatsPrintLikeFmt) {
  auto F = [](double D) { return render("{{.}}", json(D)); };
  EXPECT_EQ(F(123456.0), "123456");
  EXPECT_EQ(F(1234567.0), "1.234567e+06");
  EXPECT_EQ(F(0.0001), "0.0001");
  EXPECT_EQ(F(-2.5), "-2.5");
  EXPECT_EQ(F(0.0), "0");
  EXPECT_EQ(F(1e21), "1e+21");
  EXPECT_EQ(F(1.0 / 3), "0.3333333333333333");
}

TEST(GoTemplateTest, JsonIsCompactSortedAndNotHtmlEscapedLikeDockerCli) {
  EXPECT_EQ(
      render("{{json .Config}}"),
      R"({"ArgsEscaped":true,"Cmd":["node","app.js"],"Entrypoint":null,"Env":["PATH=/usr/bin","NODE_ENV=production"],"ExposedPorts":{"443/tcp":{},"8080/tcp":{}},"Healthcheck":null,"Labels":{"maintainer":"dev <dev@example.com>","version":"1.0"},"User":""})");
  EXPECT_EQ(render("{{json .RootFS.Layers}}"), R"(["sha256:aaa","sha256:bbb"])");
  EXPECT_EQ(render("{{.Config.Env | json}}"), R"(["PATH=/usr/bin","NODE_ENV=production"])");
  EXPECT_EQ(render("{{json .NoSuchKey}}"), "null");
  EXPECT_EQ(render("{{json .}}", json::parse(R"({"s":"a&b\n\t\"q\"\\ \u0001 \u2028 é"})")),
            "{\"s\":\"a&b\\n\\t\\\"q\\\"\\\\ \\u0001 \\u2028 \xc3\xa9\"}");
  EXPECT_EQ(render("{{json .}}", json::parse(R"([1e21, 1e-7, 0.5, 100, -0.0])")),
            "[1e+21,1e-7,0.5,100,0]");
}

TEST(GoTemplateTest, ExecutionIsBounded) {
  auto Contains = [](const std::string &S, llvm::StringRef Part) {
    return llvm::StringRef(S).contains(Part);
  };
  EXPECT_EQ(render("{{range 3}}{{.}}{{end}}"), "012");
  // A fuzzer found that a range over a large integer ran for minutes.
  std::string Out = render("{{range 66666666}} {{end}}");
  EXPECT_TRUE(Contains(Out, "exec error: template: :1:")) << Out;
  EXPECT_TRUE(Contains(Out, "template execution exceeded 250000 steps")) << Out;
  Out = render("{{range 66666666}}{{end}}");
  EXPECT_TRUE(Contains(Out, "exceeded 250000 steps")) << Out;
  Out = render("{{range 1000}}{{range 1000}}{{end}}{{end}}");
  EXPECT_TRUE(Contains(Out, "exceeded 250000 steps")) << Out;
  std::string Big(100000, 'x');
  Out = render("{{range 500}}" + Big + "{{end}}");
  EXPECT_TRUE(Contains(Out, "template output exceeded 16 MiB")) << Out.substr(0, 200);
  EXPECT_EQ(render("{{range 100}}" + Big + "{{end}}").size(), 100 * Big.size());
}

TEST(GoTemplateTest, IndexRangeIfWith) {
  EXPECT_EQ(render("{{index .RepoTags 0}}"), "app:1.0");
  EXPECT_EQ(render("{{index .Config.Labels \"version\"}}"), "1.0");
  // A missing label is the zero string, as with docker's map[string]string.
  EXPECT_EQ(render("{{index .Config.Labels \"missing\"}}"), "");
  EXPECT_EQ(render("{{index .Nothing \"missing\"}}"), "");
  EXPECT_EQ(render("{{index . \"Config\"}}", json{{"Config", {{"a", {1}}}}}), "map[a:[1]]");
  EXPECT_EQ(render("{{index . \"b\"}}", json{{"a", {1}}}), "<nil>");
  EXPECT_EQ(render("{{index . \"Config\" \"Cmd\" 1}}"), "app.js");
  EXPECT_EQ(render("{{range .RootFS.Layers}}{{.}} {{end}}"), "sha256:aaa sha256:bbb ");
  EXPECT_EQ(render("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}"),
            "maintainer=dev <dev@example.com>;version=1.0;");
  EXPECT_EQ(render("{{range $i, $t := .RepoTags}}{{$i}}:{{$t}} {{end}}"),
            "0:app:1.0 1:app:latest ");
  EXPECT_EQ(render("{{range $t := .RepoTags}}[{{$t}}]{{end}}"), "[app:1.0][app:latest]");
  EXPECT_EQ(render("{{range .RepoDigests}}x{{else}}none{{end}}"), "none");
  EXPECT_EQ(render("{{range .Nothing}}x{{else}}none{{end}}"), "none");
  EXPECT_EQ(render("{{range .RepoTags}}{{if eq . \"app:latest\"}}{{break}}{{end}}{{.}}{{end}}"),
            "app:1.0");
  EXPECT_EQ(render("{{range .RepoTags}}{{if eq . \"app:1.0\"}}{{continue}}{{end}}{{.}}{{end}}"),
            "app:latest");
  EXPECT_EQ(render("{{if .Config.Healthcheck}}yes{{else}}no{{end}}"), "no");
  EXPECT_EQ(render("{{if .Config.Cmd}}yes{{else}}no{{end}}"), "yes");
  EXPECT_EQ(render("{{if .Config.User}}u{{else if .Config.Cmd}}cmd{{else}}none{{end}}"), "cmd");
  EXPECT_EQ(render("{{if .RepoDigests}}d{{end}}"), "");
  EXPECT_EQ(render("{{with .Config}}{{.Cmd}}{{end}}"), "[node app.js]");
  EXPECT_EQ(render("{{with .Config.Healthcheck}}{{.Test}}{{else}}no healthcheck{{end}}"),
            "no healthcheck");
  EXPECT_EQ(render("{{range .RootFS.Layers}}{{$.Os}} {{end}}"), "linux linux ");
  EXPECT_EQ(render("{{$n := len .RepoTags}}{{$n}} tags"), "2 tags");
  EXPECT_EQ(render("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}"), "2");
}

TEST(GoTemplateTest, Functions) {
  EXPECT_EQ(render("{{join .RepoTags \", \"}}"), "app:1.0, app:latest");
  EXPECT_EQ(render("{{upper .Os}} {{lower \"ABC\"}} {{title \"hello world\"}}"),
            "LINUX abc Hello World");
  EXPECT_EQ(render("{{len .RepoTags}} {{len .Config.Labels}} {{len .Os}}"), "2 2 5");
  EXPECT_EQ(render("{{println .Os}}"), "linux\n");
  EXPECT_EQ(render("{{println .Os .Size}}"), "linux 123456789\n");
  EXPECT_EQ(render("{{print .Os .Size}}"), "linux123456789");
  EXPECT_EQ(render("{{print 1 2}}"), "1 2");
  EXPECT_EQ(render("{{printf \"%s:%d\" .Os .Size}}"), "linux:123456789");
  EXPECT_EQ(render("{{printf \"%-8s|%5d|%05d|%q|%v|%.2f|%x\" \"ab\" 42 -42 \"a\\\"b\" .Config.Cmd "
                   "3.14159 255}}"),
            "ab      |   42|-0042|\"a\\\"b\"|[node app.js]|3.14|ff");
  EXPECT_EQ(render("{{printf \"%d\" .Os}}"), "%!d(string=linux)");
  EXPECT_EQ(render("{{printf \"%s %s\" .Os}}"), "linux %!s(MISSING)");
  EXPECT_EQ(render("{{printf \"%s\" .Os .Os}}"), "linux%!(EXTRA string=linux)");
  EXPECT_EQ(render("{{split \"a,b,c\" \",\"}}"), "[a b c]");
  EXPECT_EQ(render("{{index (split \"a:b\" \":\") 1}}"), "b");
  EXPECT_EQ(render("{{pad .Os 2 1}}|{{truncate .Id 10}}"), "  linux |sha256:4a8");
  EXPECT_EQ(render("{{if and .Os (not .Nothing)}}ok{{end}}"), "ok");
  EXPECT_EQ(render("{{or .Nothing .Config.User \"fallback\"}}"), "fallback");
  EXPECT_EQ(render("{{and .Os .Nothing}}"), "<nil>");
  EXPECT_EQ(render("{{eq .Os \"linux\"}} {{ne .Size 1}} {{eq .Os \"a\" \"linux\"}}"),
            "true true true");
  EXPECT_EQ(render("{{lt 1 2}} {{ge .Size 123456789}} {{gt \"b\" \"a\"}}"), "true true true");
  EXPECT_EQ(render("{{slice .RepoTags 1}} {{slice .Os 1 3}}"), "[app:latest] in");
  EXPECT_EQ(render("{{.Os | upper | printf \"<%s>\"}}"), "<LINUX>");
  EXPECT_EQ(render("{{(index .RepoTags 1) | len}}"), "10");
  EXPECT_EQ(render("{{(.Config).Cmd}}"), "[node app.js]");
  EXPECT_EQ(render("{{'a'}} {{0x1F}} {{1_000}} {{-5}} {{1.5e3}} {{\"\\u00e9\"}} {{`raw\\n`}}"),
            "97 31 1000 -5 1500 \xc3\xa9 raw\\n");
}

TEST(GoTemplateTest, TrimMarkersAndComments) {
  EXPECT_EQ(render("a  {{- .Os -}}  \n b"), "alinuxb");
  EXPECT_EQ(render("{{range .RepoTags -}}\n  {{.}}\n{{- end}}"), "app:1.0app:latest");
  EXPECT_EQ(render("x {{/* a comment */}} y"), "x  y");
  EXPECT_EQ(render("x {{- /* trimmed */ -}} y"), "xy");
  // "{{-3}}" is the number -3, not a trim marker.
  EXPECT_EQ(render("1{{-3}}"), "1-3");
}

TEST(GoTemplateTest, ParseErrorsLookLikeGo) {
  EXPECT_EQ(render("{{.Config.Cmd }"), "parse error: template: :1: unexpected \"}\" in operand");
  EXPECT_EQ(render("{{index .RepoTags 0}"),
            "parse error: template: :1: unexpected \"}\" in operand");
  EXPECT_EQ(render("{{.Config.Cmd}"), "parse error: template: :1: bad character U+007D '}'");
  EXPECT_EQ(render("{{.Os"), "parse error: template: :1: unclosed action");
  EXPECT_EQ(render("{{if .Os}}x"), "parse error: template: :1: unexpected EOF");
  EXPECT_EQ(render("{{end}}"), "parse error: template: :1: unexpected {{end}}");
  EXPECT_EQ(render("a\n{{else}}"), "parse error: template: :2: unexpected {{else}}");
  EXPECT_EQ(render("{{}}"), "parse error: template: :1: missing value for command");
  EXPECT_EQ(render("{{if}}{{end}}"), "parse error: template: :1: missing value for if");
  EXPECT_EQ(render("{{nosuch .Os}}"), "parse error: template: :1: function \"nosuch\" not defined");
  EXPECT_EQ(render("{{$x}}"), "parse error: template: :1: undefined variable \"$x\"");
  EXPECT_EQ(render("{{break}}"), "parse error: template: :1: {{break}} outside {{range}}");
  EXPECT_EQ(render("{{.Os | | upper}}"), "parse error: template: :1: unexpected \"|\" in command");
  EXPECT_EQ(render("{{\"abc}}"), "parse error: template: :1: unterminated quoted string");
  EXPECT_EQ(render("{{3x}}"), "parse error: template: :1: bad number syntax: \"3x\"");
  EXPECT_EQ(render("{{/* x }}"), "parse error: template: :1: unclosed comment");
  EXPECT_EQ(render("{{.Os # }}"), "parse error: template: :1: unexpected \"#\" in operand");
  EXPECT_EQ(render("{{.Os | 3}}"),
            "parse error: template: :1: non executable command in pipeline stage 2");
  EXPECT_EQ(render("{{range $a, $b, $c := .L}}{{end}}"),
            "parse error: template: :1: too many declarations in range");
  EXPECT_EQ(render("{{\"a\".X}}"),
            "parse error: template: :1: unexpected . after term \"\\\"a\\\"\"");
  EXPECT_EQ(render("{{else foo}}"), "parse error: template: :1: unexpected \"foo\" in else");
}

TEST(GoTemplateTest, ExecErrorsLookLikeGo) {
  EXPECT_EQ(render("{{.Os.Name}}"),
            "exec error: template: :1:2: executing \"\" at <.Os.Name>: can't evaluate field Name "
            "in type interface {}");
  EXPECT_EQ(render("x\n  {{.Config.Healthcheck.Test}}"),
            "exec error: template: :2:4: executing \"\" at <.Config.Healthcheck.Test>: nil "
            "pointer evaluating interface {}.Test");
  EXPECT_EQ(render("{{.RepoTags.First}}"),
            "exec error: template: :1:2: executing \"\" at <.RepoTags.First>: can't evaluate "
            "field First in type interface {}");
  EXPECT_EQ(render("{{index .RepoTags 5}}"),
            "exec error: template: :1:2: executing \"\" at <index .RepoTags 5>: error calling "
            "index: index out of range: 5");
  EXPECT_EQ(render("{{index .NoSuchKey 0}}"),
            "exec error: template: :1:2: executing \"\" at <index .NoSuchKey 0>: error calling "
            "index: index of untyped nil");
  EXPECT_EQ(render("{{range .Os}}{{end}}"),
            "exec error: template: :1:8: executing \"\" at <{{range .Os}}{{end}}>: range can't "
            "iterate over linux");
  EXPECT_EQ(render("{{upper .Size}}"),
            "exec error: template: :1:8: executing \"\" at <.Size>: wrong type for value; "
            "expected string; got int");
  EXPECT_EQ(render("{{len .Size}}"),
            "exec error: template: :1:2: executing \"\" at <len .Size>: error calling len: len "
            "of type int");
  EXPECT_EQ(render("{{.Os 1}}"),
            "exec error: template: :1:2: executing \"\" at <.Os>: Os is not a method but has "
            "arguments");
  EXPECT_EQ(render("{{eq .Os 1}}"),
            "exec error: template: :1:2: executing \"\" at <eq .Os 1>: error calling eq: "
            "incompatible types for comparison");
  EXPECT_EQ(render("{{.Os}}", json::array({1})),
            "exec error: template: :1:2: executing \"\" at <.Os>: can't evaluate field Os in "
            "type []interface {}");
}

TEST(GoTemplateTest, MissingValuesInEscapers) {
  // Found by GoTemplateFuzzer: a missing value as an argument of js/html/urlquery.
  EXPECT_EQ(render("{{js .Repo 0}}"), "\\u003Cno value\\u003E 0");
  EXPECT_EQ(render("{{html .Os \"<b>\"}}"), "linux&lt;b&gt;");
  EXPECT_EQ(render("{{urlquery \"a b&c\"}}"), "a+b%26c");
}

TEST(GoTemplateTest, NestingIsBounded) {
  std::string Deep;
  for (int I = 0; I < 1001; ++I)
    Deep += "{{if .Os}}";
  EXPECT_EQ(render(Deep), "parse error: template: :1: template nests deeper than 1000 levels");
  EXPECT_EQ(render("{{" + std::string(1001, '(') + ".Os" + std::string(1001, ')') + "}}"),
            "parse error: template: :1: template nests deeper than 1000 levels");
  std::string Ok = "{{((.Os))}}";
  EXPECT_EQ(render(Ok), "linux");
}

TEST(GoTemplateTest, ParseOnceRenderMany) {
  auto T = GoTemplate::parse("{{.Repository}}:{{.Tag}}");
  ASSERT_TRUE(bool(T));
  GoTemplate Moved = std::move(*T);
  for (auto [R, Tag] : {std::pair{"a", "1"}, std::pair{"b", "2"}}) {
    auto Out = Moved.render(json{{"Repository", R}, {"Tag", Tag}});
    ASSERT_TRUE(bool(Out));
    EXPECT_EQ(*Out, std::string(R) + ":" + Tag);
  }
}

// Tests of the pattern matcher against stock Lua 5.4.4 results and pathological patterns.
import Testing
@testable import KlikLua

/// Klik's own pattern matcher against results recorded from stock Lua 5.4.4 (same script).
@Suite struct PatternTests {
    static let script = #"""
local out = {}
local function rec(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end out[#out+1] = table.concat(t, ",") end
local function try(f, ...) local r = table.pack(pcall(f, ...)) if r[1] then rec(table.unpack(r, 2, r.n)) else rec("error") end end
local cases = {
 {"hello world", "o w"}, {"hello world", "l+"}, {"hello world", "^h"}, {"hello world", "^w"}, {"hello world", "d$"},
 {"hello", "(h)(e)"}, {"hello", "()ll()"}, {"  x  ", "^%s*(.-)%s*$"}, {"THE (quick) fox", "%((%a+)%)"},
 {"f(a(b)c)d", "%b()"}, {"THE quick", "%f[%a]%a+"}, {"key=val; k2=v2", "(%w+)=(%w+)"}, {"abcabc", "(abc)%1"},
 {"a.b", "%."}, {"a-b", "[%-]"}, {"x]y", "[]]"}, {"abc", "[^a]+"}, {"a1B2", "[%d%u]+"}, {"0x1F", "%x+$"},
 {"aaa", "a-"}, {"aaa", "a-$"}, {"aaab", "a*b"}, {"b", "a?b"}, {"", ".*"}, {"abc", ""}, {"abc", "$"},
 {"a$b", "$b"}, {"a^b", "a^"}, {"caaat", "ca+t"}, {"hello", "[a-f]"}, {"\0a\0", "%z"}, {"tab\there", "%c"},
 {"über", "%a+"}, {"x=1,y=2", "[^,]+"}, {"[test]", "%[(.-)%]"}, {"aXb", "%u"}, {"a.b", "[.]"},
 {"one two", "%S+"}, {"a,b", "%p"}, {"hello", "l"}, {"x", "[a-]"}, {"-", "[a-]"},
}
for _, c in ipairs(cases) do try(string.find, c[1], c[2]) try(string.match, c[1], c[2]) end
try(string.find, "hello", "l", -2) try(string.find, "hello", "l", 10) try(string.find, "a+b", "+", 1, true)
try(string.find, "hello", "", 3) try(string.match, "hello", "l+", -3)
for _, c in ipairs({ {"hello world", "o", "0"}, {"hello", "", "-"}, {"abc", "%w", "%0%0"}, {"hello world", "(%w+)", "<%1>"},
  {"abc", "b*", "X"}, {"a,b,,c", ",", ";"}, {"hello", "l+", "%%"}, {"x = 1", "(%w+) = (%w+)", "%2 = %1"}, {"abc", "()", "%1"} }) do
  try(string.gsub, c[1], c[2], c[3]) end
try(string.gsub, "hello world", "%w+", "x", 1)
try(string.gsub, "$name is $age", "%$(%w+)", {name = "Ann", age = 7})
try(string.gsub, "$name is $x", "%$(%w+)", {name = "Ann"})
try(string.gsub, "abc", "%w", function(c) return c:upper() .. "." end)
try(string.gsub, "abc", "%w", function(c) if c == "b" then return false end return 1 end)
try(string.gsub, "abc", "%w", "%2") try(string.gsub, "abc", "%w", "%")
try(string.find, "abc", "[a") try(string.find, "abc", "%") try(string.find, "abc", "(a") try(string.find, "abc", "a)")
try(string.find, "abc", "%1") try(string.find, "abc", "%f")
local g = {} for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do g[#g+1] = k .. v end rec(table.concat(g, " "))
g = {} for w in string.gmatch("one two  three", "%a*") do g[#g+1] = "[" .. w .. "]" end rec(table.concat(g))
g = {} for p in string.gmatch("abc", "()") do g[#g+1] = p end rec(table.concat(g, ","))
g = {} for w in string.gmatch("hello world from lua", "%a+", 7) do g[#g+1] = w end rec(table.concat(g, ","))
rec(("x"):rep(3, ","), ("ab"):rep(0), ("ab"):rep(2))
rec(string.format("%d %5.2f %s %q %x", 42, 3.14159, "hi", "a\nb", 255))
local all, esc = table.concat(out, "\n"), {}
for i = 1, #all do local b = all:byte(i) esc[i] = (b == 10 or (b >= 32 and b < 127)) and string.char(b) or ("\\" .. b) end
return table.concat(esc)
"""#

    static let expected = #"""
5,7
o w
3,4
ll
1,1
h
nil
nil
11,11
d
1,2,h,e
h,e
3,4,3,5
3,5
1,5,x
x
5,11,quick
quick
2,8
(a(b)c)
1,3
THE
1,7,key,val
key,val
1,6,abc
abc
2,2
.
2,2
-
2,2
]
2,3
bc
2,4
1B2
3,4
1F
1,0

1,3
aaa
1,4
aaab
1,1
b
1,0

1,0

4,3

2,3
$b
1,2
a^
1,5
caaat
2,2
e
1,1
\0
4,4
\9
3,5
ber
1,3
x=1
1,6,test
test
2,2
X
2,2
.
1,3
one
2,2
,
3,3
l
nil
nil
1,1
-
4,4
nil
2,2
3,2
ll
hell0 w0rld,2
-h-e-l-l-o-,6
aabbcc,3
<hello> <world>,2
XaXcX,3
a;b;;c,3
he%o,1
1 = x,1
1a2b3c4,4
x world,1
Ann is 7,2
Ann is $x,2
A.B.C.,3
1b1,3
error
error
error
error
error
nil
error
error
a1 b2 c3
[one][two][][three]
1,2,3,4
world,from,lua
x,x,x,,abab
42  3.14 hi "a\
b" ff
"""#

    @Test func matchesStockLuaResults() throws {
        let out = try runLua(Self.script)
        guard case .string(let text) = out.first else { Issue.record("no text"); return }
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = Self.expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(got.count == want.count)
        for (i, (g, w)) in zip(got, want).enumerated() where g != w {
            Issue.record("line \(i + 1): got '\(g)', want '\(w)'")
        }
    }

    @Test func blowUpsStopWithPatternTooComplex() throws {
        let cases = [
            #"return string.find(("a"):rep(40), ("a?"):rep(40) .. ("a"):rep(40))"#,
            #"return ("a"):rep(1e6):find(".-b")"#,
            #"return string.find(("a"):rep(30), ("a-"):rep(20) .. "b")"#,
            #"return ("a"):rep(1e6):gsub(".-b", "")"#,
        ]
        for source in cases {
            var error: LuaError?
            let took = seconds { error = luaError { try runLua(source) } }
            #expect(error?.kind == .runtime || error?.kind == .budgetExceeded)
            #expect(error?.message.contains("pattern too complex") == true || error?.kind == .budgetExceeded)
            #expect(took < 1.2)
        }
    }
}

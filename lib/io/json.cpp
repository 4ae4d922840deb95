#include "io/json.h"

#include <cstring>

#include "core/error.h"
#include "core/utf8.h"

namespace ddpm {

namespace {

constexpr int kMaxDepth = 32;  // a safetensors header nests three deep

// The length of the valid UTF-8 sequence starting at s[i] (no overlong forms, no surrogates, at
// most U+10FFFF), or 0 if there is none.
size_t utf8_sequence_length(const std::string& s, size_t i) {
    const unsigned char lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) return 1;
    const size_t n = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    if (n == 0 || lead > 0xF4 || i + n >= s.size()) return 0;
    unsigned cp = lead & (0x3F >> n);
    for (size_t k = 1; k <= n; ++k) {
        const unsigned char c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (c & 0x3F);
    }
    const unsigned smallest[] = {0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n + 1;
}

// A recursive-descent reader over the text, with the position for error messages.
class JsonReader {
public:
    JsonReader(const std::string& text, const std::string& name) : s_(text), name_(name) {}

    JsonValue document() {
        JsonValue v = value(0);
        skip_space();
        if (pos_ != s_.size()) fail("text after the JSON value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(name_ + ": bad JSON at byte " + std::to_string(pos_) + ": " + what);
    }
    void skip_space() {
        while (pos_ < s_.size() &&
               (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
            ++pos_;
    }
    bool take(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!take(c)) fail(std::string("expected '") + c + "'");
    }
    bool take_word(const char* word) {
        const size_t n = std::strlen(word);
        if (s_.compare(pos_, n, word) != 0) return false;
        pos_ += n;
        return true;
    }

    JsonValue value(int depth) {
        if (depth > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth));
        skip_space();
        if (pos_ >= s_.size()) fail("unexpected end");
        JsonValue v;
        const char c = s_[pos_];
        if (c == '{') {
            v.kind = JsonValue::Kind::object;
            object(v, depth);
        } else if (c == '[') {
            v.kind = JsonValue::Kind::array;
            array(v, depth);
        } else if (c == '"') {
            v.kind = JsonValue::Kind::string;
            v.text = string();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v.kind = JsonValue::Kind::number;
            v.text = number();
        } else if (take_word("true") || take_word("false")) {
            v.kind = JsonValue::Kind::boolean;
            v.boolean = c == 't';
        } else if (!take_word("null")) {
            fail("expected a value");
        }
        return v;
    }

    void object(JsonValue& v, int depth) {
        expect('{');
        if (take('}')) return;
        do {
            skip_space();
            if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a member name in quotes");
            std::string key = string();
            // A repeated name is refused in every object: readers disagree on which value wins
            // (Python's json keeps the last), so one file could be read as two different ones.
            for (const auto& member : v.members)
                if (member.first == key) fail("the member name '" + key + "' appears twice");
            expect(':');
            v.members.emplace_back(std::move(key), value(depth + 1));
        } while (take(','));
        expect('}');
    }

    void array(JsonValue& v, int depth) {
        expect('[');
        if (take(']')) return;
        do {
            v.items.push_back(value(depth + 1));
        } while (take(','));
        expect(']');
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, returned as written.
    std::string number() {
        const size_t start = pos_;
        auto digits = [&] {
            const size_t from = pos_;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
            if (pos_ == from) fail("expected a digit");
        };
        if (s_[pos_] == '-') ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '0')
            ++pos_;
        else
            digits();
        if (pos_ < s_.size() && s_[pos_] == '.') {
            ++pos_;
            digits();
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            digits();
        }
        return s_.substr(start, pos_ - start);
    }

    unsigned hex4() {
        if (pos_ + 4 > s_.size()) fail("a \\u escape needs four hex digits");
        unsigned u = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = s_[pos_++];
            const char* digits = "0123456789abcdef";
            const char* at = h ? std::strchr(digits, h | 0x20) : nullptr;
            if (!at) fail("a \\u escape needs four hex digits");
            u = u * 16 + static_cast<unsigned>(at - digits);
        }
        return u;
    }

    // The code point of a \u escape (a surrogate pair taken whole).
    unsigned escaped_code_point() {
        unsigned cp = hex4();
        if (cp >= 0xDC00 && cp <= 0xDFFF) fail("a lone low surrogate in a \\u escape");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!take_word("\\u")) fail("a high surrogate without its low half");
            const unsigned low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate without its low half");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        return cp;
    }

    std::string string() {
        ++pos_;  // the opening quote
        std::string out;
        while (true) {
            if (pos_ >= s_.size()) fail("a string without its closing quote");
            const unsigned char c = static_cast<unsigned char>(s_[pos_]);
            if (c == '"') break;
            if (c < 0x20) fail("a control character inside a string");
            if (c >= 0x80) {
                const size_t n = utf8_sequence_length(s_, pos_);
                if (n == 0) fail("invalid UTF-8");
                out.append(s_, pos_, n);
                pos_ += n;
                continue;
            }
            ++pos_;
            if (c != '\\') {
                out += static_cast<char>(c);
                continue;
            }
            if (pos_ >= s_.size()) fail("a string without its closing quote");
            const char e = s_[pos_++];
            const char* from = "\"\\/bfnrt";
            const char* to = "\"\\/\b\f\n\r\t";
            const char* at = e ? std::strchr(from, e) : nullptr;
            if (at)
                out += to[at - from];
            else if (e == 'u')
                append_utf8(out, escaped_code_point());
            else
                fail(std::string("an unknown escape \\") + e);
        }
        ++pos_;  // the closing quote
        return out;
    }

    const std::string& s_;
    const std::string& name_;
    size_t pos_ = 0;
};

}  // namespace

uint64_t JsonValue::as_index(const std::string& what) const {
    if (kind != Kind::number || text.empty() || text[0] == '-' ||
        text.find_first_not_of("0123456789") != std::string::npos)
        throw Error(what + ": expected a whole number >= 0");
    uint64_t v = 0;
    for (char c : text) {
        const uint64_t digit = static_cast<uint64_t>(c - '0');
        if (v > (UINT64_MAX - digit) / 10)
            throw Error(what + ": the number " + text + " is too large");
        v = v * 10 + digit;
    }
    return v;
}

JsonValue parse_json(const std::string& text, const std::string& name) {
    return JsonReader(text, name).document();
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // JSON is UTF-8: a byte that is not part of a valid sequence becomes U+FFFD.
            const size_t n = utf8_sequence_length(s, i);
            out += n ? s.substr(i, n) : "\xEF\xBF\xBD";
            if (n) i += n - 1;
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            out += "\\u00" + hex_byte(c);
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

}  // namespace ddpm

"""Why a server address is not valid (core.address keys)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "empty": {
        "ja": "サーバ名を入力してください(例: ssl://smtp.gmail.com:465)。",
        "en": "Enter the server name (for example ssl://smtp.gmail.com:465).",
    },
    "too_long": {
        "ja": "サーバ名が長すぎます({limit} 文字まで)。",
        "en": "The server name is too long (at most {limit} characters).",
    },
    "control": {
        "ja": "サーバ名に改行や制御文字が含まれています。1 行で入力してください。",
        "en": "The server name contains a line break or control character. Type it on one line.",
    },
    "unknown_scheme": {
        "ja": "「{scheme}://」は使えません。{suggestion}",
        "en": "“{scheme}://” is not supported. {suggestion}",
    },
    "suggest_scheme": {
        "ja": "「{good}://」を使ってください(例: {example})。",
        "en": "Use “{good}://” (for example {example}).",
    },
    "suggest_web": {
        "ja": "Web のアドレスではなく、SMTP サーバ名を ssl://ホスト名:465 または "
        "tls://ホスト名:587 の形で入力してください。",
        "en": "This is a web address. Enter the SMTP server as ssl://host:465 or tls://host:587.",
    },
    "suggest_any": {
        "ja": "ssl://(465 番)、tls://(587 番)、またはスキームなし(25 番)が使えます。",
        "en": "Use ssl:// (port 465), tls:// (port 587) or no scheme (port 25).",
    },
    "spaces": {
        "ja": "サーバ名に空白が含まれています。空白を削除してください。",
        "en": "The server name contains a space. Remove it.",
    },
    "path": {
        "ja": "サーバ名にパス(「/」以降)は入れられません。ホスト名とポートだけを入力してください。",
        "en": "A server name cannot contain a path (“/…”). Enter only the host and port.",
    },
    "userinfo": {
        "ja": "サーバ名に「ユーザ名@」は入れられません。ユーザ名は「ユーザ名」欄に入力してください。",
        "en": "Do not put “user@” in the server name; enter the user in the User name field.",
    },
    "port_missing": {
        "ja": "「:」の後にポート番号を入力するか、「:」を削除してください。",
        "en": "Enter a port number after “:” or remove the “:”.",
    },
    "port_not_number": {
        "ja": "ポート「{port}」は数字ではありません(例: 465、587、25)。",
        "en": "The port “{port}” is not a number (for example 465, 587 or 25).",
    },
    "port_range": {
        "ja": "ポート番号 {port} は範囲外です(1〜65535)。",
        "en": "Port {port} is out of range (1 to 65535).",
    },
    "host_missing": {
        "ja": "ホスト名がありません(例: smtp.example.co.jp)。",
        "en": "The host name is missing (for example smtp.example.com).",
    },
    "host_invalid": {
        "ja": "ホスト名「{host}」は正しくありません。使える文字は英数字、「-」、「.」です。",
        "en": "“{host}” is not a valid host name: use letters, digits, “-” and “.”.",
    },
    "host_too_long": {
        "ja": "ホスト名が長すぎます(253 文字まで)。",
        "en": "The host name is too long (at most 253 characters).",
    },
    "idna": {
        "ja": "国際化ドメイン名「{host}」は使えません: {reason}",
        "en": "The international domain name “{host}” cannot be used: {reason}",
    },
    "idna_char": {
        "ja": "ドメイン名に使えない文字 {char} が含まれています。",
        "en": "it contains {char}, which domain names cannot contain.",
    },
    "idna_context": {
        "ja": "文字 {char} はこの位置では使えません(結合子などは特定の文字の後だけに置けます)。",
        "en": "{char} cannot be used at this position (joiners and similar marks are allowed only "
        "after certain characters).",
    },
    "idna_bidi": {
        "ja": "右から左に書く文字(アラビア文字・ヘブライ文字など)と他の文字の組み合わせが正しくありません。",
        "en": "it mixes right-to-left letters (Arabic, Hebrew) with other characters in a way "
        "domain names do not allow.",
    },
    "idna_combining": {
        "ja": "ラベルの先頭に結合文字(濁点やアクセント記号など)は置けません。",
        "en": "a label cannot start with a combining mark (an accent on its own).",
    },
    "idna_hyphen": {
        "ja": "ラベルの先頭と末尾、3・4 文字目に「-」は置けません。",
        "en": "a label cannot start or end with “-”, nor have “--” as its 3rd and 4th characters.",
    },
    "idna_label_long": {
        "ja": "変換後のラベルが 63 文字を超えます。",
        "en": "a label is longer than 63 characters once converted.",
    },
    "idna_alabel": {
        "ja": "「xn--」で始まるラベル「{label}」が正しい Punycode ではありません。",
        "en": "the label “{label}” starts with “xn--” but is not valid Punycode.",
    },
    "idna_other": {
        "ja": "IDNA 2008 の規則に合いません。",
        "en": "it does not follow the IDNA 2008 rules.",
    },
    "ipv4_invalid": {
        "ja": "IP アドレス「{host}」は正しくありません。",
        "en": "“{host}” is not a valid IP address.",
    },
    "ipv6_brackets": {
        "ja": "IPv6 アドレスは角かっこで囲んでください(例: [::1]:25)。",
        "en": "Put an IPv6 address in brackets (for example [::1]:25).",
    },
    "ipv6_invalid": {
        "ja": "IPv6 アドレス「{host}」は正しくありません。",
        "en": "“{host}” is not a valid IPv6 address.",
    },
    "ipv6_zone": {
        "ja": "IPv6 のゾーン ID(%…)には対応していません。",
        "en": "IPv6 zone indexes (%…) are not supported.",
    },
    "warn_ssl_587": {
        "ja": "ポート 587 は通常 STARTTLS です。tls:// の方が正しい可能性があります。",
        "en": "Port 587 usually speaks STARTTLS: tls:// is probably right.",
    },
    "warn_tls_465": {
        "ja": "ポート 465 は通常、最初から SSL/TLS です。ssl:// の方が正しい可能性があります。",
        "en": "Port 465 usually speaks TLS from the first byte: ssl:// is probably right.",
    },
    "warn_plain_465": {
        "ja": "ポート 465 は SSL/TLS 用です。ssl:// を付けてください。",
        "en": "Port 465 is for TLS: add ssl://.",
    },
    "warn_plain_587": {
        "ja": "ポート 587 は通常 STARTTLS です。tls:// を付けると暗号化されます。",
        "en": "Port 587 usually offers STARTTLS: add tls:// to encrypt the connection.",
    },
}

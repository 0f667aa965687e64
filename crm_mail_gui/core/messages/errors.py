"""Failure texts of an SMTP session: step names, messages per kind, hints, labels."""

from __future__ import annotations

STEP: dict[str, dict[str, str]] = {
    "resolve": {"ja": "名前解決", "en": "name lookup"},
    "connect": {"ja": "接続", "en": "connect"},
    "tls": {"ja": "TLS", "en": "TLS"},
    "ehlo": {"ja": "EHLO", "en": "EHLO"},
    "starttls": {"ja": "STARTTLS", "en": "STARTTLS"},
    "auth": {"ja": "認証", "en": "authentication"},
    "mail": {"ja": "差出人(MAIL FROM)", "en": "sender (MAIL FROM)"},
    "rcpt": {"ja": "宛先(RCPT TO)", "en": "recipient (RCPT TO)"},
    "data": {"ja": "本文送信(DATA)", "en": "message (DATA)"},
    "quit": {"ja": "終了(QUIT)", "en": "QUIT"},
}

KIND: dict[str, dict[str, str]] = {
    "invalid_input": {"ja": "入力内容に誤りがあります。", "en": "The input is not valid."},
    "host_not_found": {
        "ja": "サーバー「{host}」が見つかりません。",
        "en": "The server “{host}” was not found.",
    },
    "connection_refused": {
        "ja": "サーバー {host} のポート {port} に接続できません(接続を拒否されました)。",
        "en": "The server {host} refused the connection on port {port}.",
    },
    "unreachable": {
        "ja": "サーバー {host} に到達できません。",
        "en": "The server {host} cannot be reached.",
    },
    "timed_out": {
        "ja": "{step}の段階で {seconds} 秒待っても応答がありませんでした。",
        "en": "No answer within {seconds} s at the {step} step.",
    },
    "tls_handshake_failed": {
        "ja": "暗号化(TLS)の開始に失敗しました。",
        "en": "The encrypted (TLS) connection could not be established.",
    },
    "cert_untrusted": {
        "ja": "サーバーの証明書が信頼できません。",
        "en": "The server's certificate is not trusted.",
    },
    "cert_hostname_mismatch": {
        "ja": "サーバーの証明書は「{host}」用ではありません。",
        "en": "The server's certificate is not valid for “{host}”.",
    },
    "starttls_not_offered": {
        "ja": "サーバーが STARTTLS に対応していません。暗号化せずに続行することはしません。",
        "en": "The server does not offer STARTTLS. The app will not continue unencrypted.",
    },
    "auth_not_offered": {
        "ja": "サーバーが SMTP 認証(AUTH)に対応していません。",
        "en": "The server does not offer SMTP authentication (AUTH).",
    },
    "auth_failed": {
        "ja": "認証に失敗しました(ユーザ名またはパスワードが受け付けられませんでした)。",
        "en": "Authentication failed: the user name or password was not accepted.",
    },
    "unencrypted_auth": {
        "ja": "暗号化されていない接続ではパスワードを送信しません。",
        "en": "The password will not be sent over an unencrypted connection.",
    },
    "server_refused": {
        "ja": "サーバーが接続を受け付けませんでした。",
        "en": "The server did not accept the session.",
    },
    "sender_refused": {
        "ja": "差出人アドレスがサーバーに拒否されました。",
        "en": "The server refused the From address.",
    },
    "recipient_refused": {
        "ja": "宛先アドレスがサーバーに拒否されました。",
        "en": "The server refused the recipient address.",
    },
    "message_refused": {
        "ja": "メール本文がサーバーに拒否されました。",
        "en": "The server refused the message.",
    },
    "connection_dropped": {
        "ja": "{step}の途中でサーバーが接続を切断しました。",
        "en": "The server closed the connection during the {step} step.",
    },
    "cancelled": {"ja": "テストを中止しました。", "en": "The test was cancelled."},
    "credential_store_unavailable": {
        "ja": "パスワードを保管する資格情報ストアが使えません({backend})。",
        "en": "No credential store is available to keep the password ({backend}).",
    },
    "sign_in_required": {
        "ja": "OAuth2 のサインインが必要です。",
        "en": "An OAuth2 sign-in is needed.",
    },
    "password_missing": {
        "ja": "パスワードが入力されておらず、保存されたパスワードもありません。",
        "en": "No password was entered and none is stored.",
    },
    "partially_delivered": {
        "ja": "メールは {total} 件中 {accepted} 件の宛先にだけ送信されました。"
        "{refused} 件の宛先はサーバーに拒否されました。",
        "en": "The message went to only {accepted} of {total} recipients; "
        "the server refused {refused}.",
    },
    "unexpected": {
        "ja": "{step}の段階で予期しないエラーが発生しました。",
        "en": "An unexpected error occurred at the {step} step.",
    },
    "protocol_violation": {
        "ja": "{step}の段階でサーバーが SMTP の手順に反するデータを送ってきたため、安全のため中止しました。",
        "en": "The server broke the SMTP protocol at the {step} step; the app stopped for safety.",
    },
}

HINT: dict[str, dict[str, str]] = {
    "check_spelling": {
        "ja": "サーバ名のつづりを確認してください。社内ネットワークやプロキシの制限がないかも確認してください。",
        "en": "Check the spelling of the server name, and whether the network blocks the lookup.",
    },
    "check_port": {
        "ja": "ポート番号を確認してください(SSL は 465、STARTTLS は 587)。"
        "ファイアウォールで送信ポートが塞がれていないかも確認してください。",
        "en": "Check the port (465 for SSL, 587 for STARTTLS) and that no firewall blocks it.",
    },
    "check_network": {
        "ja": "この PC のネットワーク接続と、ファイアウォール・プロキシの設定を確認してください。",
        "en": "Check this PC's network connection and any firewall or proxy.",
    },
    "wrong_version": {
        "ja": "このポートは暗号化なしで始まり、STARTTLS で暗号化するようです。{suggested} を使ってください。",
        "en": "This port starts unencrypted and then switches to TLS with STARTTLS: use {suggested}.",
    },
    "starttls_injection": {
        "ja": "サーバーは STARTTLS に 220 で応答しましたが、暗号化が始まる前に暗号化されていないデータが届きました。"
        "通信経路上の改ざん(STARTTLS インジェクション)か、サーバーの不具合です。パスワードは送信していません。"
        "別のネットワークから試すか、プロバイダに連絡してください。"
        "プロバイダが SSL/TLS(通常ポート 465)を提供していれば、そちらの方が安全です。",
        "en": "The server answered STARTTLS with 220, but unencrypted data arrived before encryption "
        "began: someone on the network tampering with the session (STARTTLS injection) or a "
        "broken server. No password was sent. Try from another network or contact the provider; "
        "if the provider offers implicit TLS (usually port 465), it is the safer choice.",
    },
    "unexpected_data": {
        "ja": "サーバーが、こちらのコマンドを待たずに応答を送ってきました。応答の対応が崩れるため中止しました。"
        "サーバ名とポートを確認し、続く場合はプロバイダに連絡してください。",
        "en": "The server sent replies before it was asked, so replies could no longer be matched "
        "to commands. Check the server name and port, and contact the provider if it goes on.",
    },
    "maybe_implicit_tls": {
        "ja": "ポート {port} は最初から SSL/TLS で話すサーバーかもしれません。{suggested} を試してください。",
        "en": "Port {port} may expect TLS from the first byte: try {suggested}.",
    },
    "timeout_generic": {
        "ja": "サーバーが混雑しているか、途中で通信が遮断されています。しばらくしてから再度お試しください。",
        "en": "The server is busy or something on the way drops the traffic. Try again later.",
    },
    "tls_generic": {
        "ja": "サーバーが TLS 1.2 以上に対応しているか、プロトコル(ssl:// / tls://)とポートの組み合わせを確認してください。",
        "en": "Check that the server supports TLS 1.2 or later and that ssl:// or tls:// matches the port.",
    },
    "cert_untrusted": {
        "ja": "社内サーバーの自己署名証明書の場合は、その CA 証明書ファイルを「追加の CA ファイル」に指定してください。",
        "en": "For an in-house server with its own CA, name that CA file as the extra CA file.",
    },
    "cert_names": {
        "ja": "証明書が有効な名前: {names}。サーバ名をこの名前に変えてください。",
        "en": "The certificate is valid for: {names}. Use one of these names as the server.",
    },
    "cert_names_unknown": {
        "ja": "プロバイダが案内している正式なサーバ名を使ってください。",
        "en": "Use the server name your provider documents.",
    },
    "starttls_missing": {
        "ja": "サーバーまたは途中の機器が STARTTLS を提供していません。{suggested} を試すか、プロバイダに確認してください。",
        "en": "The server (or something in between) does not offer STARTTLS. Try {suggested} or ask the provider.",
    },
    "auth_not_offered": {
        "ja": "このサーバーはログインを受け付けません。認証が不要なサーバーなら「認証を行う」を外してください。",
        "en": "This server offers no login. If it needs none, untick “Requires authentication”.",
    },
    "auth_not_offered_plain": {
        "ja": "認証が不要なサーバーなら「認証を行う」を外してください。暗号化後にだけ認証を提供するサーバーなら tls:// を使ってください。",
        "en": "If the server needs no login, untick “Requires authentication”; if it offers AUTH only after encryption, use tls://.",
    },
    "auth_generic": {
        "ja": "ユーザ名(通常はメールアドレス全体)とパスワードを確認してください。2 段階認証を使っている場合はアプリパスワードが必要です。",
        "en": "Check the user name (usually the full address) and the password. With 2-step verification you need an app password.",
    },
    "gmail_app_password": {
        "ja": "Google アカウントで 2 段階認証が有効です。Google アカウントのセキュリティ設定で「アプリパスワード」を作成し、パスワード欄に入力してください。",
        "en": "2-Step Verification is on: create an app password in the Google account's security page and enter it as the password.",
    },
    "gmail_bad_credentials": {
        "ja": "パスワードまたはアプリパスワードを入力し直してください。アプリパスワードは空白なしの 16 文字です。",
        "en": "Re-enter the password or app password; app passwords are 16 letters without spaces.",
    },
    "ms_smtp_auth_disabled": {
        "ja": "Microsoft 365 の管理者が、テナントとメールボックスで SMTP AUTH を有効にする必要があります(または OAuth2 を使ってください)。",
        "en": "A Microsoft 365 admin must enable SMTP AUTH for the tenant and the mailbox (or use OAuth2).",
    },
    "ms_security_defaults": {
        "ja": "Microsoft Entra の「セキュリティの既定値」が SMTP AUTH をブロックしています。無効にするか OAuth2 を使ってください。",
        "en": "Microsoft Entra security defaults block SMTP AUTH: turn them off or use OAuth2.",
    },
    "ms_bad_password": {
        "ja": "パスワードを確認してください。Microsoft 365 では基本認証(パスワード)が 2026 年 12 月末から既定で無効になります。",
        "en": "Check the password. Microsoft 365 switches basic (password) authentication off by default from the end of December 2026.",
    },
    "ms_basic_auth_retired": {
        "ja": "このテナントでは基本認証(パスワード)が使えません。OAuth2 で認証してください。",
        "en": "Basic (password) authentication is retired for this tenant: use OAuth2.",
    },
    "starttls_first": {
        "ja": "サーバーは先に STARTTLS を求めています。サーバ名を {suggested} にしてください。",
        "en": "The server requires STARTTLS first: use {suggested}.",
    },
    "auth_required": {
        "ja": "サーバーは認証を求めています。「認証を行う」にチェックを入れてください。",
        "en": "The server requires a login: tick “Requires authentication”.",
    },
    "send_as_denied": {
        "ja": "差出人をログインしたメールボックスのアドレスにするか、そのアドレスの「送信者として送信」権限を付与してください。",
        "en": "Set From to the login mailbox's address, or grant Send-As rights for this address.",
    },
    "sender_generic": {
        "ja": "差出人アドレスがこのアカウントで使えるか確認してください(通常はユーザ名と同じアドレス)。",
        "en": "Check that this account may send as the From address (usually the same as the user name).",
    },
    "recipient_generic": {
        "ja": "テストメールの送信先アドレスを確認してください。",
        "en": "Check the test recipient address.",
    },
    "message_generic": {
        "ja": "サーバーのメッセージを確認し、プロバイダの送信制限(迷惑メール判定・送信数)を確認してください。",
        "en": "Read the server's reply and check the provider's sending limits and filters.",
    },
    "tls_old": {
        "ja": "サーバーは TLS 1.2 以上を求めています。",
        "en": "The server requires TLS 1.2 or later.",
    },
    "dropped": {
        "ja": "サーバーがセッションを打ち切りました。サーバ名・ポート・暗号化方式を確認し、しばらくしてから再度お試しください。",
        "en": "The server ended the session. Check server, port and encryption, then try again later.",
    },
    "unencrypted_auth": {
        "ja": "ssl:// または tls:// を使ってください。暗号化なしで送る場合は、警告を確認したうえで明示的に許可してください。",
        "en": "Use ssl:// or tls://. To send unencrypted anyway, accept the warning explicitly.",
    },
    "credential_store": {
        "ja": "OS の資格情報ストア(Windows 資格情報マネージャー、macOS キーチェーン、Secret Service)を使えるようにしてください。",
        "en": "Make an OS credential store available (Windows Credential Manager, macOS Keychain, Secret Service).",
    },
    "oauth_token_rejected": {
        "ja": "サーバーがアクセストークンを受け付けませんでした。もう一度サインインし、アプリ登録の権限(SMTP.Send / https://mail.google.com/)と、メールボックスで SMTP AUTH が有効かを確認してください。",
        "en": "The server did not accept the access token. Sign in again, and check the app registration's permission (SMTP.Send / https://mail.google.com/) and that SMTP AUTH is enabled for the mailbox.",
    },
    "xoauth2_not_offered": {
        "ja": "このサーバーは OAuth2(XOAUTH2)認証に対応していません。パスワード認証を使うか、サーバ名を確認してください。",
        "en": "This server does not offer OAuth2 (XOAUTH2). Use password authentication or check the server name.",
    },
    "oauth_sign_in": {
        "ja": "{detail}",
        "en": "{detail}",
    },
    "password_missing": {
        "ja": "パスワードを入力してください。",
        "en": "Enter the password.",
    },
    "server_refused": {
        "ja": "サーバーのメッセージを確認し、時間をおいて再度お試しください。",
        "en": "Read the server's reply and try again later.",
    },
    "message_invalid": {
        "ja": "このメールはこのままでは送信できません: {problem}",
        "en": "This message cannot be sent as it is: {problem}",
    },
    "smtputf8_missing": {
        "ja": "宛先または差出人に日本語などの非 ASCII 文字を含むアドレス({address})がありますが、"
        "サーバーが国際化メール(SMTPUTF8)に対応していません。何も送信していません。"
        "ASCII だけのアドレスを使ってください。",
        "en": "An address contains non-ASCII characters ({address}), but the server does not "
        "offer internationalised mail (SMTPUTF8). Nothing was sent. Use an ASCII-only address.",
    },
    "eight_bit_missing": {
        "ja": "メールに 8 ビットのデータ(エンコードされていないヘッダなど)が含まれていますが、"
        "サーバーが 8BITMIME に対応していません。何も送信していません。"
        "本文を base64 か quoted-printable にし、ヘッダを RFC 2047 でエンコードしてください。",
        "en": "The message contains 8-bit data (such as unencoded headers), but the server does "
        "not offer 8BITMIME. Nothing was sent. Encode the body as base64 or quoted-printable "
        "and the headers per RFC 2047.",
    },
    "upload_stalled": {
        "ja": "サーバーが {seconds} 秒間メール本文を受け取らなくなりました"
        "(送信済み {sent} / {total} バイト)。サーバーや途中の回線の状態を確認してください。",
        "en": "The server took no part of the message for {seconds} s "
        "({sent} of {total} bytes sent). Check the server and the network in between.",
    },
    "partial_temporary": {
        "ja": "一時的に拒否された宛先(4xx)は後で再送できます: {temporary}。"
        "恒久的に拒否された宛先(5xx): {permanent}。受け付けられた宛先には再送しないでください。",
        "en": "Temporarily refused recipients (4xx) can be retried later: {temporary}. "
        "Permanently refused (5xx): {permanent}. Do not resend to the accepted recipients.",
    },
    "unexpected": {
        "ja": "{detail}。ログと通信記録を添えて開発元に報告してください。",
        "en": "{detail}. Please report this with the log and the transcript.",
    },
}

FIELD: dict[str, dict[str, str]] = {
    # by hint key first, then by kind (Failure.field_note): one short text at the one field
    "wrong_version": {
        "ja": "このポートは STARTTLS 用です: {suggested}",
        "en": "This port is for STARTTLS: {suggested}",
    },
    "maybe_implicit_tls": {
        "ja": "このポートは最初から暗号化するようです: {suggested}",
        "en": "This port seems to encrypt from the start: {suggested}",
    },
    "starttls_first": {
        "ja": "このサーバーには STARTTLS が必要です: {suggested}",
        "en": "This server needs STARTTLS: {suggested}",
    },
    "starttls_missing": {
        "ja": "このサーバーは STARTTLS を提供していません。",
        "en": "This server offers no STARTTLS.",
    },
    "cert_names": {
        "ja": "証明書が有効な名前: {names}",
        "en": "The certificate is valid for: {names}",
    },
    "auth_required": {
        "ja": "このサーバーはログインを求めています。",
        "en": "This server requires a login.",
    },
    "xoauth2_not_offered": {
        "ja": "このサーバーは OAuth2 に対応していません。",
        "en": "This server does not offer OAuth2.",
    },
    "host_not_found": {
        "ja": "この名前のサーバーは見つかりません。",
        "en": "No server has this name.",
    },
    "connection_refused": {
        "ja": "このポートでは接続できません。",
        "en": "This port does not accept connections.",
    },
    "unreachable": {"ja": "このサーバーに届きません。", "en": "This server cannot be reached."},
    "timed_out": {"ja": "このサーバーから応答がありません。", "en": "This server does not answer."},
    "tls_handshake_failed": {
        "ja": "このサーバーとは暗号化を始められません。",
        "en": "Encryption could not be started with this server.",
    },
    "cert_untrusted": {
        "ja": "証明書が信頼できません。社内 CA なら追加の CA ファイルを指定してください。",
        "en": "Certificate not trusted: for an in-house CA, choose the extra CA file.",
    },
    "cert_hostname_mismatch": {
        "ja": "証明書はこのサーバー名用ではありません。",
        "en": "The certificate is not for this server name.",
    },
    "starttls_not_offered": {
        "ja": "このサーバーは STARTTLS を提供していません。",
        "en": "This server offers no STARTTLS.",
    },
    "auth_not_offered": {
        "ja": "このサーバーは認証(AUTH)を提供していません。",
        "en": "This server offers no authentication (AUTH).",
    },
    "auth_failed": {
        "ja": "このパスワードは受け付けられませんでした。",
        "en": "This password was not accepted.",
    },
    "password_missing": {"ja": "パスワードを入力してください。", "en": "Enter the password."},
    "unencrypted_auth": {
        "ja": "暗号化されない接続です(ssl:// または tls:// を使ってください)。",
        "en": "Unencrypted connection (use ssl:// or tls://).",
    },
    "server_refused": {
        "ja": "このサーバーとは SMTP で通信できません。",
        "en": "This server does not speak SMTP here.",
    },
    "protocol_violation": {
        "ja": "このサーバーとの通信は安全のため中止しました。",
        "en": "The session with this server was stopped for safety.",
    },
    "sender_refused": {
        "ja": "この差出人はサーバーに拒否されました。",
        "en": "The server refused this From address.",
    },
    "recipient_refused": {
        "ja": "この宛先はサーバーに拒否されました。",
        "en": "The server refused this recipient.",
    },
    "partially_delivered": {
        "ja": "一部の宛先がサーバーに拒否されました。",
        "en": "The server refused some of these recipients.",
    },
    "invalid_input": {"ja": "この値では送信できません。", "en": "This value cannot be used."},
    "other": {"ja": "この項目を確認してください。", "en": "Check this field."},
}

DETAIL: dict[str, dict[str, str]] = {
    # Failure.detail_text: a sentence for a technical detail (the raw text stays in Details)
    "plain_reply": {
        "ja": "サーバーは暗号化せずに応答しました。",
        "en": "The server answered without encryption.",
    },
    "issuer_unknown": {
        "ja": "証明書の発行元(CA)がこの PC で信頼されていません。",
        "en": "The certificate's issuer (CA) is not trusted on this PC.",
    },
    "self_signed": {
        "ja": "サーバーは自己署名の証明書を使っています。",
        "en": "The server uses a self-signed certificate.",
    },
    "expired": {
        "ja": "サーバーの証明書は有効期限が切れています。",
        "en": "The server's certificate has expired.",
    },
    "not_yet_valid": {
        "ja": "サーバーの証明書はまだ有効になっていません(この PC の時計も確認してください)。",
        "en": "The server's certificate is not valid yet (check this PC's clock too).",
    },
    "name_mismatch": {
        "ja": "証明書に書かれた名前がサーバー名と一致しません。",
        "en": "The names in the certificate do not match the server name.",
    },
    "closed_in_handshake": {
        "ja": "暗号化を始める途中でサーバーが接続を切りました。",
        "en": "The server closed the connection while encryption was starting.",
    },
    "protocol_version": {
        "ja": "サーバーとこの PC に共通の TLS バージョンがありません(TLS 1.2 以上が必要です)。",
        "en": "The server and this PC share no TLS version (TLS 1.2 or later is needed).",
    },
    "handshake_refused": {
        "ja": "サーバーが暗号化の条件を受け入れませんでした。",
        "en": "The server did not accept the encryption settings.",
    },
    "not_smtp": {
        "ja": "サーバーの応答が SMTP の形式ではありません。",
        "en": "The server's answer is not in SMTP form.",
    },
    "unencrypted_data": {
        "ja": "暗号化が始まる前に、暗号化されていないデータが届きました。",
        "en": "Unencrypted data arrived before encryption began.",
    },
    "unasked_data": {
        "ja": "サーバーがこちらのコマンドを待たずにデータを送ってきました。",
        "en": "The server sent data before it was asked.",
    },
    "technical": {
        "ja": "技術的な詳細は「詳細」の通信記録にあります。",
        "en": "The technical details are in the transcript under Details.",
    },
}

REPORT: dict[str, dict[str, str]] = {
    # the report that Copy puts on the clipboard for a helpdesk (core.report)
    "title": {"ja": "crm-mail-gui テスト失敗の報告", "en": "crm-mail-gui test failure report"},
    "headline": {"ja": "結果: {value}", "en": "Result: {value}"},
    "field": {"ja": "確認する項目: {value}", "en": "Field to change: {value}"},
    "server": {"ja": "サーバ名: {value}", "en": "Server name: {value}"},
    "app": {"ja": "アプリ: {value}", "en": "App: {value}"},
    "os": {"ja": "OS: {value}", "en": "OS: {value}"},
    "time": {"ja": "日時: {value}", "en": "Time: {value}"},
    "transcript": {"ja": "通信記録:", "en": "Transcript:"},
}

LABEL: dict[str, dict[str, str]] = {
    "step": {"ja": "段階: {value}", "en": "Step: {value}"},
    "reply": {"ja": "サーバーの応答: {value}", "en": "Server reply: {value}"},
    "detail": {"ja": "詳細: {value}", "en": "Detail: {value}"},
    "technical": {"ja": "技術情報: {value}", "en": "Technical detail: {value}"},
    "hint": {"ja": "対処: {value}", "en": "Hint: {value}"},
    "suggested": {"ja": "提案: {value}", "en": "Suggested server: {value}"},
}
"""The lines of Failure.describe() after the message (command line and log)."""

TEXTS: dict[str, dict[str, str]] = {
    **{f"label.{key}": entry for key, entry in LABEL.items()},
    **{f"step.{key}": entry for key, entry in STEP.items()},
    **{f"kind.{key}": entry for key, entry in KIND.items()},
    **{f"hint.{key}": entry for key, entry in HINT.items()},
    **{f"field.{key}": entry for key, entry in FIELD.items()},
    **{f"detail.{key}": entry for key, entry in DETAIL.items()},
    **{f"report.{key}": entry for key, entry in REPORT.items()},
}

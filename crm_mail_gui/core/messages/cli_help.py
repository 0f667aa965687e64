"""Texts of `crm-mail-gui --help` and of each command's --help (crm_mail_gui.cli_parser)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # argparse's own words
    "usage": {"ja": "使い方: ", "en": "usage: "},
    "options": {"ja": "オプション", "en": "options"},
    "positionals": {"ja": "引数", "en": "positional arguments"},
    "commands_title": {"ja": "コマンド", "en": "commands"},
    "error": {
        "ja": "{prog}: エラー: {message}\n使い方は {prog} --help で表示できます。",
        "en": "{prog}: error: {message}\nSee {prog} --help for how to use it.",
    },
    "help": {"ja": "このヘルプを表示して終了します", "en": "show this help and exit"},
    "version": {"ja": "バージョンを表示して終了します", "en": "show the version and exit"},
    # the program and its global options
    "description": {
        "ja": "CRM の送信メールサーバー(SMTP)を設定し、テストします。"
        "コマンドを付けずに起動すると画面が開きます。各コマンドの詳細は "
        "crm-mail-gui コマンド --help で表示できます。",
        "en": "Set up and test the CRM's outgoing mail server (SMTP). Without a command, the "
        "window opens. For the details of a command: crm-mail-gui COMMAND --help.",
    },
    "config_dir": {
        "ja": "設定ファイルのフォルダ(既定: OS の設定フォルダ。環境変数 CRM_MAIL_GUI_CONFIG_DIR "
        "でも指定できます)",
        "en": "folder of the settings file (default: the system's settings folder; the "
        "environment variable CRM_MAIL_GUI_CONFIG_DIR sets it too)",
    },
    "lang": {
        "ja": "表示の言語: ja(日本語)または en(英語)。既定は OS の言語",
        "en": "language of the output: ja (Japanese) or en (English); default: the system's",
    },
    "self_check": {
        "ja": "このインストールが使えるか(Qt、資格情報ストア、証明書、翻訳)を確認します",
        "en": "check that this installation is usable (Qt, credential store, certificates, "
        "translations)",
    },
    # the commands
    "cmd.show": {"ja": "保存されている設定を表示します", "en": "show the stored settings"},
    "cmd.set": {
        "ja": "テストメールを送ってから設定を保存します(画面の「保存」と同じ)",
        "en": "send a test mail, then store the settings (like Save in the window)",
    },
    "cmd.test": {
        "ja": "保存されている設定でテストメールを送ります",
        "en": "send a test mail with the stored settings",
    },
    "cmd.signin": {
        "ja": "OAuth2(XOAUTH2)でサインインし、テストしてから保存します",
        "en": "sign in with OAuth2 (XOAUTH2), test, then store",
    },
    "cmd.signout": {
        "ja": "OAuth2 のトークンを削除します",
        "en": "forget the OAuth2 tokens",
    },
    "cmd.presets": {
        "ja": "プロバイダのプリセット(set --preset の ID)を一覧表示します",
        "en": "list the provider presets (the IDs for set --preset)",
    },
    "cmd.detect": {
        "ja": "メールアドレスから送信サーバーを検出します(autoconfig、ISPDB、MX、SRV、推測。"
        "候補ごとに接続を確かめます。認証情報は送りません)",
        "en": "detect the outgoing server from a mail address (autoconfig, ISPDB, MX, SRV, "
        "guesses; each candidate is checked with a real connection, no credential is sent)",
    },
    "cmd.export": {
        "ja": "設定をパスワードなしでファイルに書き出します(他の PC 用)",
        "en": "write the settings without the password to FILE (for other PCs)",
    },
    "cmd.import": {
        "ja": "書き出した設定ファイルを読み込みます(パスワードは含まれません)",
        "en": "read settings written by export from FILE (the password is not in it)",
    },
    # options of the commands
    "json": {"ja": "JSON で出力します", "en": "print JSON"},
    "preset": {
        "ja": "プリセットのサーバ名と認証から始めます(ID は crm-mail-gui presets で一覧表示)。"
        "サーバ名に svNNNN のような仮の部分があるプリセットでは --server も指定します",
        "en": "start from a preset's server name and authentication (IDs: crm-mail-gui "
        "presets); a preset whose server name has a placeholder such as svNNNN needs --server",
    },
    "server": {
        "ja": "サーバ名(下の「サーバ名の書き方」を参照)",
        "en": "server name (see “Server name” below)",
    },
    "user": {
        "ja": "ユーザ名(多くはメールアドレス全体)",
        "en": "user name (usually the full mail address)",
    },
    "from": {
        "ja": "差出人のメールアドレス(例: noreply@example.co.jp)",
        "en": "From address (e.g. noreply@example.co.jp)",
    },
    "auth": {
        "ja": "認証を行う(SMTP AUTH。新しい設定の既定)",
        "en": "requires authentication (SMTP AUTH; the default for new settings)",
    },
    "no_auth": {
        "ja": "認証を行わない(社内のリレーなど)",
        "en": "no authentication (e.g. an internal relay)",
    },
    "to": {
        "ja": "テストメールの送信先(既定: 差出人)",
        "en": "where the test mail goes (default: the From address)",
    },
    "timeout": {
        "ja": "1 ステップあたりの待ち時間の上限(秒、1〜300、既定 20)",
        "en": "longest wait for each step, in seconds (1–300, default 20)",
    },
    "ca_file": {
        "ja": "追加で信頼する CA 証明書ファイル(PEM。社内 CA の場合)",
        "en": "extra CA certificate file to trust (PEM, for an in-house CA)",
    },
    "password_stdin": {
        "ja": "パスワードを標準入力から 1 行読みます(UTF-8)。パスワードは資格情報ストアにだけ"
        "保存されます。省略すると、同じユーザ名とサーバーで保存済みのパスワードを使います",
        "en": "read the password as one line from standard input (UTF-8); it is kept only in "
        "the credential store. Without it, the password already stored for the same user and "
        "server is used",
    },
    "no_test": {
        "ja": "テストメールを送らずに保存します(届くかは確認されません)",
        "en": "store without sending a test mail (delivery is not checked)",
    },
    "allow_unencrypted": {
        "ja": "暗号化されていない接続でパスワードを送ることを認めます",
        "en": "accept sending the password over an unencrypted connection",
    },
    "verbose": {
        "ja": "各ステップとサーバーとのやり取り(パスワードは伏せ字)を表示します",
        "en": "print each step and the session transcript (the password masked)",
    },
    "test_to": {
        "ja": "今回だけこの宛先に送ります(設定は変えません)",
        "en": "send to this address this once (the settings stay as they are)",
    },
    "check": {
        "ja": "RCPT TO まで確認し、メールは送りません",
        "en": "check up to RCPT TO; send no mail",
    },
    "provider": {"ja": "OAuth2 のプロバイダ", "en": "OAuth2 provider"},
    "client_id": {
        "ja": "アプリ登録のクライアント ID",
        "en": "client ID of the app registration",
    },
    "tenant": {
        "ja": "Microsoft のテナント(既定: organizations)",
        "en": "Microsoft tenant (default: organizations)",
    },
    "client_secret_stdin": {
        "ja": "クライアント シークレットを標準入力から読みます(Google)",
        "en": "read the client secret from standard input (Google)",
    },
    "device_code": {
        "ja": "別の端末のブラウザでサインインします(デバイス コード)",
        "en": "sign in in a browser on another device (device code)",
    },
    "export_file": {"ja": "書き出し先のファイル", "en": "file to write"},
    "import_file": {"ja": "読み込むファイル", "en": "file to read"},
    # the sections after the options
    "servers_title": {"ja": "サーバ名の書き方:", "en": "Server name:"},
    "server.ssl": {
        "ja": "最初から TLS で暗号化(SMTPS、通常ポート 465)",
        "en": "TLS from the first byte (SMTPS, usually port 465)",
    },
    "server.tls": {
        "ja": "STARTTLS で暗号化。できなければ送りません(通常ポート 587)",
        "en": "STARTTLS, required: never continues unencrypted (usually port 587)",
    },
    "server.plain": {
        "ja": "暗号化なし(社内のリレーなど、通常ポート 25)",
        "en": "no encryption (e.g. an internal relay, usually port 25)",
    },
    "server.notes": {
        "ja": "ポートを省略すると 465 / 587 / 25。IPv6 は [::1]:2525 のように角かっこで囲みます。",
        "en": "Without a port: 465 / 587 / 25. Put an IPv6 address in brackets: [::1]:2525.",
    },
    "host_port": {"ja": "ホスト:ポート", "en": "host:port"},
    "detect_address": {
        "ja": "検出するメールアドレス(例: info@example.co.jp)",
        "en": "the mail address to detect from (e.g. info@example.co.jp)",
    },
    "no_ispdb": {
        "ja": "Thunderbird の ISPDB に問い合わせません(問い合わせるときもドメインだけを送ります)",
        "en": "do not ask Thunderbird's ISPDB (when asked, it gets the domain only)",
    },
    "allow_http": {
        "ja": "この検出に限り、暗号化されていない HTTP の autoconfig も読みます",
        "en": "for this lookup only, also read autoconfig over unencrypted HTTP",
    },
    "detect_ca_file": {
        "ja": "HTTPS と SMTP の確認で、この CA ファイルも信頼します",
        "en": "also trust this CA file for the HTTPS lookups and the SMTP checks",
    },
    "deadline": {
        "ja": "検出全体の制限時間(秒、既定 10)",
        "en": "the deadline of the whole detection, in seconds (default 10)",
    },
    "set_detect": {
        "ja": "このアドレスから検出した最良の候補(サーバ名、認証、ユーザ名)から始めます",
        "en": "start from the best server detected from this address (server, auth, user)",
    },
    "exit_detect.0": {"ja": "確認できた候補がある", "en": "a verified candidate exists"},
    "exit_detect.2": {"ja": "アドレスが正しくない", "en": "invalid address"},
    "exit_detect.3": {
        "ja": "到達できる候補がない",
        "en": "no candidate is reachable",
    },
    "exit_title": {"ja": "終了コード:", "en": "Exit codes:"},
    "exit.0": {"ja": "成功", "en": "success"},
    "exit.1": {"ja": "その他のエラー", "en": "anything else"},
    "exit.2": {
        "ja": "入力が正しくない(サーバ名、アドレス、オプション)",
        "en": "invalid input (server name, address, option)",
    },
    "exit.3": {"ja": "接続または TLS の失敗", "en": "connection or TLS failure"},
    "exit.4": {"ja": "認証の失敗", "en": "authentication failed"},
    "exit.5": {"ja": "サーバーが拒否した", "en": "refused by the server"},
    "exit.6": {"ja": "タイムアウト", "en": "timed out"},
    "exit.7": {"ja": "資格情報ストアが使えない", "en": "credential store unavailable"},
    "exit.130": {"ja": "中断された(Ctrl+C)", "en": "interrupted (Ctrl+C)"},
    "examples_title": {"ja": "例:", "en": "Examples:"},
    "example.preset": {
        "ja": "Gmail のプリセットで、アプリ パスワードをファイルから読んで設定する:",
        "en": "Set up Gmail from its preset, reading the app password from a file:",
    },
    "example.test": {
        "ja": "保存した設定で自分宛てにテストメールを送り、やり取りを表示する:",
        "en": "Send a test mail to yourself with the stored settings and show the session:",
    },
    "example.server": {
        "ja": "サーバ名を指定して設定する(STARTTLS、ポート 587):",
        "en": "Set up with a server name (STARTTLS, port 587):",
    },
    "example.placeholder": {
        "ja": "Xserver のプリセットで、svNNNN を契約中のサーバー番号にして設定する:",
        "en": "Set up Xserver from its preset, svNNNN replaced by your server number:",
    },
}

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name>AdvancedPanel</name>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>The longest wait for one answer from the server (connecting, the TLS handshake, each reply). Sending the message itself fails only after this long without any progress, so a large attachment on a slow line is not cut off.</source>
        <translation>サーバーからの 1 回の応答(接続、TLS ハンドシェイク、各応答)を待つ最長の時間です。メール本文の送信は、この時間のあいだまったく進まなかったときだけ失敗とします。遅い回線で大きな添付ファイルを送っても途中で打ち切られません。</translation>
    </message>
    <message>
        <source>only for an in-house CA</source>
        <translation>社内 CA を使う場合のみ</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <source>leave empty (only for a sovereign cloud)</source>
        <translation>通常は空欄(ソブリン クラウドのみ)</translation>
    </message>
    <message>
        <source>&amp;Timeout per step:</source>
        <translation>タイムアウト(各段階)(&amp;T):</translation>
    </message>
    <message>
        <source>E&amp;xtra CA file:</source>
        <translation>追加の CA ファイル(&amp;X):</translation>
    </message>
    <message>
        <source>OAuth2 authorit&amp;y:</source>
        <translation>OAuth2 認可サーバー(&amp;Y):</translation>
    </message>
    <message>
        <source>Extra CA file</source>
        <translation>追加の CA ファイル</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>証明書 (*.pem *.crt *.cer);;すべてのファイル (*)</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Details</source>
        <translation>詳細</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Close the message</source>
        <translation>メッセージを閉じる</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>エラー</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Success</source>
        <translation>成功</translation>
    </message>
</context>
<context>
    <name>DetectController</name>
    <message>
        <source>Type the mail address in User name (or From) first.</source>
        <translation>先にユーザ名(または差出人)にメールアドレスを入力してください。</translation>
    </message>
    <message>
        <source>Detection was cancelled.</source>
        <translation>検出を中止しました。</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>Stop detecting</source>
        <translation>検出を中止します</translation>
    </message>
    <message>
        <source>Detection stopped because of an unexpected error: </source>
        <translation>予期しないエラーで検出が止まりました: </translation>
    </message>
    <message>
        <source>Type the user name yourself: %1.</source>
        <translation>ユーザ名には %1 を入力してください。</translation>
    </message>
    <message>
        <source>Save sends a test mail before anything is stored.</source>
        <translation>保存すると、設定を保存する前にテストメールを送信して確認します。</translation>
    </message>
</context>
<context>
    <name>DetectPanel</name>
    <message>
        <source>Also ask Thunderbird&apos;s ISPDB</source>
        <translation>Thunderbird の ISPDB にも問い合わせる</translation>
    </message>
    <message>
        <source>Only the domain of the address (the part after @) is sent to the ISPDB (autoconfig.thunderbird.net); everything else is asked of the domain&apos;s own servers and DNS.</source>
        <translation>ISPDB(autoconfig.thunderbird.net)に送られるのはメールアドレスのドメイン(@ より後ろ)だけです。ほかの問い合わせはドメイン自身のサーバーと DNS に対して行います。</translation>
    </message>
    <message>
        <source>Allow plain HTTP for this lookup</source>
        <translation>この検出に限り HTTP も使う</translation>
    </message>
    <message>
        <source>Also ask for the autoconfig file over unencrypted HTTP when HTTPS cannot be reached. Anyone on the way can change such an answer. Only for the next detection: the box is unticked again when it ends.</source>
        <translation>HTTPS でつながらないとき、自動設定ファイルを暗号化されていない HTTP でも問い合わせます。その答えは途中で書き換えられるおそれがあります。次の1回の検出だけに使い、終わるとチェックは外れます。</translation>
    </message>
    <message>
        <source>Use this setting</source>
        <translation>この設定を使う</translation>
    </message>
    <message>
        <source>Use this outside server</source>
        <translation>この外部サーバーを使う</translation>
    </message>
</context>
<context>
    <name>DetectView</name>
    <message>
        <source>found</source>
        <translation>見つかりました</translation>
    </message>
    <message>
        <source>nothing found</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <source>no usable answer</source>
        <translation>使える応答がありません</translation>
    </message>
    <message>
        <source>switched off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <source>not verified</source>
        <translation>未検証</translation>
    </message>
    <message>
        <source>This setting was taken from %1.</source>
        <translation>この設定は %1 から取得しました。</translation>
    </message>
    <message>
        <source>This setting was taken from %1: the server %2 is not under your address&apos;s domain nor a known provider&apos;s.</source>
        <translation>この設定は %1 から取得しました。サーバー %2 はメールアドレスのドメインにも既知のプロバイダーにも属していません。</translation>
    </message>
    <message>
        <source>Detecting…</source>
        <translation>検出中…</translation>
    </message>
    <message>
        <source>Detecting… waiting for: %1</source>
        <translation>検出中… 応答待ち: %1</translation>
    </message>
    <message>
        <source>Detection was cancelled.</source>
        <translation>検出を中止しました。</translation>
    </message>
    <message>
        <source>%1 verified server(s) found; the best is %2.</source>
        <translation>検証できたサーバー: %1 件。最適なのは %2 です。</translation>
    </message>
    <message>
        <source>Servers were proposed, but none could be verified.</source>
        <translation>候補のサーバーはありましたが、どれも検証できませんでした。</translation>
    </message>
    <message>
        <source>No server found. Tried: %1</source>
        <translation>サーバーが見つかりませんでした。試したもの: %1</translation>
    </message>
    <message>
        <source>No server found.</source>
        <translation>サーバーが見つかりませんでした。</translation>
    </message>
    <message>
        <source>Some lookups ran out of time.</source>
        <translation>一部の問い合わせは時間切れになりました。</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Unencrypted connection</source>
        <translation>暗号化されていない接続</translation>
    </message>
    <message>
        <source>This server name has no ssl:// or tls://, so the password and the mail will travel unencrypted. Anyone on the network path could read the password.

Send the password unencrypted anyway?</source>
        <translation>このサーバ名には ssl:// も tls:// も付いていないため、パスワードとメールは暗号化されずに送られます。通信経路上の第三者にパスワードを読まれるおそれがあります。

それでも暗号化せずにパスワードを送信しますか?</translation>
    </message>
    <message>
        <source>Send unencrypted</source>
        <translation>暗号化せずに送信</translation>
    </message>
    <message>
        <source>Discard changes?</source>
        <translation>変更を破棄しますか?</translation>
    </message>
    <message>
        <source>The settings you changed have not been saved. Discard the changes?</source>
        <translation>変更した設定はまだ保存されていません。変更を破棄しますか?</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>破棄</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Outgoing mail server — crm-mail-gui</source>
        <translation>送信メールサーバー設定 — crm-mail-gui</translation>
    </message>
    <message>
        <source>Outgoing mail server (SMTP)</source>
        <translation>送信メールサーバー(SMTP)</translation>
    </message>
    <message>
        <source>Every mail the CRM sends by itself — workflow notifications, password resets, quotes — leaves through this server. Saving first sends a test mail and stores the settings once the server has accepted it for delivery.</source>
        <translation>ワークフロー通知、パスワードリセット、見積書の送付など、CRM が自動送信するすべてのメールの「出口」です。保存すると、まずテストメールを送信し、サーバーがそのメールを配送のために受け付けたことを確認してから設定を保存します。</translation>
    </message>
    <message>
        <source>The settings file could not be used and was set aside.</source>
        <translation>設定ファイルを読み込めなかったため、別名で退避しました。</translation>
    </message>
    <message>
        <source>Part of the stored settings could not be used.</source>
        <translation>保存された設定の一部を使えませんでした。</translation>
    </message>
    <message>
        <source>No credential store is available on this PC, so a password cannot be saved.</source>
        <translation>この PC では資格情報ストアが使えないため、パスワードを保存できません。</translation>
    </message>
    <message>
        <source>The password and OAuth2 sign-ins are kept in %1.</source>
        <translation>パスワードと OAuth2 のサインイン情報は %1 に保存されます。</translation>
    </message>
    <message>
        <source>The password and OAuth2 sign-ins are kept only in %1, never in the settings file.</source>
        <translation>パスワードと OAuth2 のサインイン情報は %1 にだけ保存され、設定ファイルには書き込まれません。</translation>
    </message>
    <message>
        <source>signed in</source>
        <translation>サインイン済み</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>未サインイン</translation>
    </message>
    <message>
        <source>OAuth2 (%1): %2</source>
        <translation>OAuth2(%1): %2</translation>
    </message>
    <message>
        <source>stored (%1)</source>
        <translation>保存済み(%1)</translation>
    </message>
    <message>
        <source>not stored</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>Settings file: %1</source>
        <translation>設定ファイル: %1</translation>
    </message>
    <message>
        <source>Sign in again</source>
        <translation>もう一度サインイン</translation>
    </message>
    <message>
        <source>Step: %1</source>
        <translation>段階: %1</translation>
    </message>
    <message>
        <source>Server reply: %1</source>
        <translation>サーバーの応答: %1</translation>
    </message>
    <message>
        <source>Detail: %1</source>
        <translation>詳細: %1</translation>
    </message>
    <message>
        <source>What to do: %1</source>
        <translation>対処: %1</translation>
    </message>
    <message>
        <source>Use %1</source>
        <translation>%1 に変更</translation>
    </message>
    <message>
        <source>Switch to OAuth2</source>
        <translation>OAuth2 に切り替える</translation>
    </message>
    <message>
        <source>Choose the extra CA file</source>
        <translation>追加の CA ファイルを選ぶ</translation>
    </message>
    <message>
        <source>Untick “Requires authentication”</source>
        <translation>「認証を行う」を外す</translation>
    </message>
</context>
<context>
    <name>OAuthPanel</name>
    <message>
        <source>Register the app in Microsoft Entra admin center → App registrations → New registration:&lt;ol&gt;&lt;li&gt;Supported account types: this organisation only (or any organisation).&lt;/li&gt;&lt;li&gt;Authentication → Add a platform → Mobile and desktop applications → redirect URI &lt;code&gt;http://localhost&lt;/code&gt;; turn on “Allow public client flows” (for the device code).&lt;/li&gt;&lt;li&gt;API permissions → Add → APIs my organization uses → Office 365 Exchange Online → Delegated → &lt;code&gt;SMTP.Send&lt;/code&gt;, plus &lt;code&gt;offline_access&lt;/code&gt;; grant admin consent.&lt;/li&gt;&lt;li&gt;Copy the Application (client) ID and the Directory (tenant) ID here.&lt;/li&gt;&lt;/ol&gt;</source>
        <translation>Microsoft Entra 管理センター → アプリの登録 → 新規登録 で登録します:&lt;ol&gt;&lt;li&gt;サポートされているアカウントの種類: この組織のみ(または任意の組織)。&lt;/li&gt;&lt;li&gt;認証 → プラットフォームを追加 → モバイル アプリケーションとデスクトップ アプリケーション → リダイレクト URI &lt;code&gt;http://localhost&lt;/code&gt;。デバイス コードを使う場合は「パブリック クライアント フローを許可する」をオンにします。&lt;/li&gt;&lt;li&gt;API のアクセス許可 → 追加 → 所属する組織で使用している API → Office 365 Exchange Online → 委任されたアクセス許可 → &lt;code&gt;SMTP.Send&lt;/code&gt; と &lt;code&gt;offline_access&lt;/code&gt; を追加し、管理者の同意を与えます。&lt;/li&gt;&lt;li&gt;アプリケーション (クライアント) ID とディレクトリ (テナント) ID をここに入力します。&lt;/li&gt;&lt;/ol&gt;</translation>
    </message>
    <message>
        <source>Register the app in the Azure portal → App registrations (accounts in any organisational directory and personal Microsoft accounts), platform “Mobile and desktop applications” with redirect URI &lt;code&gt;http://localhost&lt;/code&gt;, delegated permissions &lt;code&gt;SMTP.Send&lt;/code&gt; and &lt;code&gt;offline_access&lt;/code&gt;. Copy the Application (client) ID here; the tenant is &lt;code&gt;consumers&lt;/code&gt;.</source>
        <translation>Azure portal → アプリの登録 で、「任意の組織ディレクトリ内のアカウントと個人の Microsoft アカウント」を選んで登録し、プラットフォーム「モバイル アプリケーションとデスクトップ アプリケーション」にリダイレクト URI &lt;code&gt;http://localhost&lt;/code&gt; を追加、委任されたアクセス許可 &lt;code&gt;SMTP.Send&lt;/code&gt; と &lt;code&gt;offline_access&lt;/code&gt; を付けます。アプリケーション (クライアント) ID をここに入力します(テナントは &lt;code&gt;consumers&lt;/code&gt;)。</translation>
    </message>
    <message>
        <source>In Google Cloud console → APIs &amp;amp; Services: configure the OAuth consent screen (add the scope &lt;code&gt;https://mail.google.com/&lt;/code&gt;), then Credentials → Create credentials → OAuth client ID → Application type “Desktop app”. Copy the client ID and the client secret here.</source>
        <translation>Google Cloud コンソール → API とサービス で OAuth 同意画面を設定し(スコープ &lt;code&gt;https://mail.google.com/&lt;/code&gt; を追加)、認証情報 → 認証情報を作成 → OAuth クライアント ID → アプリケーションの種類「デスクトップ アプリ」を作成します。クライアント ID とクライアント シークレットをここに入力します。</translation>
    </message>
    <message>
        <source>tenant ID or domain (default: organizations)</source>
        <translation>テナント ID またはドメイン(既定: organizations)</translation>
    </message>
    <message>
        <source>the desktop client&apos;s secret</source>
        <translation>デスクトップ クライアントのシークレット</translation>
    </message>
    <message>
        <source>Sign in with a code…</source>
        <translation>コードでサインイン…</translation>
    </message>
    <message>
        <source>For PCs where the browser cannot return to this app: enter a code on any device</source>
        <translation>ブラウザからこのアプリに戻れない PC 向け: 任意の端末でコードを入力してサインインします</translation>
    </message>
    <message>
        <source>Cancel sign-in</source>
        <translation>サインインを中止</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>サインアウト</translation>
    </message>
    <message>
        <source>Client &amp;ID:</source>
        <translation>クライアント ID(&amp;I):</translation>
    </message>
    <message>
        <source>Te&amp;nant:</source>
        <translation>テナント(&amp;N):</translation>
    </message>
    <message>
        <source>Client secret (&amp;K):</source>
        <translation>クライアント シークレット(&amp;K):</translation>
    </message>
    <message>
        <source>How to register the app</source>
        <translation>アプリの登録方法</translation>
    </message>
    <message>
        <source>this mailbox</source>
        <translation>このメールボックス</translation>
    </message>
    <message>
        <source>Signed in: %1</source>
        <translation>サインイン済み: %1</translation>
    </message>
    <message>
        <source>Not signed in yet.</source>
        <translation>まだサインインしていません。</translation>
    </message>
    <message>
        <source>Waiting for the sign-in in the browser…</source>
        <translation>ブラウザでのサインインを待っています…</translation>
    </message>
    <message>
        <source>Sign in with %1</source>
        <translation>%1 でサインイン</translation>
    </message>
</context>
<context>
    <name>PresetPicker</name>
    <message>
        <source>Use it</source>
        <translation>適用する</translation>
    </message>
    <message>
        <source>Dismiss the suggestion</source>
        <translation>この提案を閉じる</translation>
    </message>
    <message>
        <source>“%1” is a %2 address. Use the %2 settings?</source>
        <translation>「%1」は %2 のアドレスです。%2 の設定を使いますか?</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>ユーザ名:</translation>
    </message>
    <message>
        <source>Not confirmed first-hand: check these values with the provider.</source>
        <translation>一次情報で未確認の設定です。プロバイダの案内で値を確認してください。</translation>
    </message>
    <message>
        <source>Provider help (opens in the browser):</source>
        <translation>プロバイダのヘルプ(ブラウザで開きます):</translation>
    </message>
</context>
<context>
    <name>SendController</name>
    <message>
        <source>The test was cancelled. Nothing was saved.</source>
        <translation>テストを中止しました。設定は保存していません。</translation>
    </message>
    <message>
        <source>Connection check passed: no mail was sent, nothing was saved.</source>
        <translation>接続テストに成功しました(メールは送信せず、設定も保存していません)。</translation>
    </message>
    <message>
        <source>The settings could not be saved.</source>
        <translation>設定を保存できませんでした。</translation>
    </message>
    <message>
        <source>Authentication: %1</source>
        <translation>認証方式: %1</translation>
    </message>
    <message>
        <source>Time: %1 s</source>
        <translation>所要時間: %1 秒</translation>
    </message>
    <message>
        <source>The test stopped because of an unexpected error. Your input is kept.</source>
        <translation>予期しないエラーでテストが止まりました。入力内容はそのまま残っています。</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <source>usually the full mail address</source>
        <translation>通常はメールアドレス全体</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>Show or hide the password</source>
        <translation>パスワードを表示/非表示</translation>
    </message>
    <message>
        <source>Requires &amp;authentication (SMTP AUTH)</source>
        <translation>認証を行う(SMTP 認証)(&amp;A)</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>OAuth2 (sign in with the provider)</source>
        <translation>OAuth2(プロバイダでサインイン)</translation>
    </message>
    <message>
        <source>Advanced settings</source>
        <translation>詳細設定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>C&amp;heck connection</source>
        <translation>接続テストのみ(&amp;H)</translation>
    </message>
    <message>
        <source>Connect, log in and check the addresses without sending a mail</source>
        <translation>メールは送信せずに、接続・認証・アドレスの確認だけを行います</translation>
    </message>
    <message>
        <source>Cancel test</source>
        <translation>テストを中止</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Send a test mail, then store the settings</source>
        <translation>テストメールを送信し、成功したら設定を保存します</translation>
    </message>
    <message>
        <source>&amp;Provider:</source>
        <translation>プロバイダ(&amp;P):</translation>
    </message>
    <message>
        <source>Se&amp;rver name:</source>
        <translation>サーバ名(&amp;R):</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>ユーザ名(&amp;U):</translation>
    </message>
    <message>
        <source>Authentication &amp;method:</source>
        <translation>認証方式(&amp;M):</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>パスワード(&amp;W):</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>差出人(&amp;F):</translation>
    </message>
    <message>
        <source>Test &amp;recipient:</source>
        <translation>テストメールの送信先(&amp;E):</translation>
    </message>
    <message>
        <source>Detect from address</source>
        <translation>メールアドレスから検出</translation>
    </message>
    <message>
        <source>Find the server for the address in User name (or From); nothing is sent</source>
        <translation>ユーザ名(または差出人)のアドレスからサーバーを探します。パスワードは送信しません</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between field names</comment>
        <translation>、</translation>
    </message>
    <message>
        <source>Required: %1</source>
        <translation>入力が必要です: %1</translation>
    </message>
    <message>
        <source>To correct: %1</source>
        <translation>修正が必要です: %1</translation>
    </message>
    <message>
        <source>Change to %1</source>
        <translation>%1 に変更</translation>
    </message>
    <message>
        <source>Unencrypted connection: mail and password travel in plain text. Use ssl:// or tls:// if the server supports it.</source>
        <translation>暗号化されない接続です。メールとパスワードが平文で送られます。サーバーが対応していれば ssl:// または tls:// を使ってください。</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>隠す</translation>
    </message>
    <message>
        <source>stored — type only to change it</source>
        <translation>保存済み — 変更するときだけ入力</translation>
    </message>
    <message>
        <source>the mailbox password or an app password</source>
        <translation>メールアカウントのパスワード、またはアプリパスワード</translation>
    </message>
    <message>
        <source>default: %1</source>
        <translation>既定: %1</translation>
    </message>
</context>
<context>
    <name>SignInController</name>
    <message>
        <source>client secret missing</source>
        <translation>クライアント シークレットが入力されていません</translation>
    </message>
    <message>
        <source>Open %1 on any device and enter the code %2</source>
        <translation>任意の端末で %1 を開き、コード %2 を入力してください</translation>
    </message>
    <message>
        <source>Sign in with the provider again; nothing else was changed.</source>
        <translation>プロバイダでもう一度サインインしてください。ほかの設定は変更していません。</translation>
    </message>
    <message>
        <source>Sign in again</source>
        <translation>もう一度サインイン</translation>
    </message>
</context>
<context>
    <name>StepList</name>
    <message>
        <source>Connect</source>
        <translation>接続</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>Authenticate</source>
        <translation>認証</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>送信</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>接続中…</translation>
    </message>
    <message>
        <source>Starting TLS…</source>
        <translation>TLS 開始中…</translation>
    </message>
    <message>
        <source>Authenticating…</source>
        <translation>認証中…</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>送信中…</translation>
    </message>
    <message>
        <source>not yet run</source>
        <translation>未実行</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>省略</translation>
    </message>
    <message>
        <source>Test steps</source>
        <translation>テストの手順</translation>
    </message>
    <message>
        <source>%1 %2 / %3 s</source>
        <translation>%1 %2 / %3 秒</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>SuccessDialog</name>
    <message>
        <source>Test Mail Sent</source>
        <translation>テストメール送信完了</translation>
    </message>
    <message>
        <source>The test mail was sent. Please check the inbox.</source>
        <translation>テストメールが送信されました。受信トレイを確認してください。</translation>
    </message>
    <message>
        <source>Recipient: %1
Server: %2</source>
        <translation>送信先: %1
サーバー: %2</translation>
    </message>
    <message>
        <source>The settings have been saved.</source>
        <translation>設定を保存しました。</translation>
    </message>
    <message>
        <source>The connection was not encrypted: the mail and the password travelled in plain text.</source>
        <translation>接続は暗号化されていませんでした。メールとパスワードは暗号化されずに送られました。</translation>
    </message>
    <message>
        <source>The connection was not encrypted: the mail travelled in plain text.</source>
        <translation>接続は暗号化されていませんでした。メールは暗号化されずに送られました。</translation>
    </message>
</context>
<context>
    <name>SummaryView</name>
    <message>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <source>Send &amp;test again</source>
        <translation>テストメールを再送信(&amp;T)</translation>
    </message>
    <message>
        <source>Send the test mail again with the stored settings (nothing is changed)</source>
        <translation>保存されている設定でテストメールをもう一度送信します(設定は変更しません)</translation>
    </message>
    <message>
        <source>Cancel test</source>
        <translation>テストを中止</translation>
    </message>
    <message>
        <source>Server name:</source>
        <translation>サーバ名:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>ユーザ名:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>パスワード:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>差出人:</translation>
    </message>
    <message>
        <source>Requires authentication:</source>
        <translation>認証を行う:</translation>
    </message>
    <message>
        <source>Test recipient:</source>
        <translation>テストメールの送信先:</translation>
    </message>
    <message>
        <source>Timeout per step:</source>
        <translation>タイムアウト(各段階):</translation>
    </message>
    <message>
        <source>Extra CA file:</source>
        <translation>追加の CA ファイル:</translation>
    </message>
    <message>
        <source>OAuth2 registration:</source>
        <translation>OAuth2 のアプリ登録:</translation>
    </message>
    <message>
        <source>Last successful test:</source>
        <translation>最後に成功したテスト:</translation>
    </message>
    <message>
        <source>none recorded</source>
        <translation>記録なし</translation>
    </message>
    <message>
        <source>%1, to %2</source>
        <translation>%1、送信先 %2</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <source>No</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 (the password may be sent unencrypted)</source>
        <translation>%1(パスワードを暗号化せずに送ることを許可済み)</translation>
    </message>
    <message>
        <source>client ID %1</source>
        <translation>クライアント ID %1</translation>
    </message>
    <message>
        <source>tenant %1</source>
        <translation>テナント %1</translation>
    </message>
    <message>
        <source>authority %1</source>
        <translation>認可サーバー %1</translation>
    </message>
</context>
</TS>

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using TextAttention.Data;

namespace TextAttention.Tests.Data;

/// <summary>A web server on 127.0.0.1, started by the test, that answers each request with the next scripted reply.</summary>
internal sealed class ScriptedServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Queue<Func<HttpListenerResponse, Task>> _replies;
    private readonly Task _loop;

    public ScriptedServer(params Func<HttpListenerResponse, Task>[] replies)
    {
        _replies = new Queue<Func<HttpListenerResponse, Task>>(replies);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = new Uri($"http://127.0.0.1:{port}/corpus.txt");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public Uri Url { get; }

    public int Requests { get; private set; }

    public static Func<HttpListenerResponse, Task> Body(byte[] body) => async response =>
    {
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    };

    public static Func<HttpListenerResponse, Task> Status(int code) => response =>
    {
        response.StatusCode = code;
        response.Close();
        return Task.CompletedTask;
    };

    public static Func<HttpListenerResponse, Task> Truncated(byte[] body) => async response =>
    {
        response.ContentLength64 = body.Length * 2L;   // promise twice what is sent, then drop the connection
        await response.OutputStream.WriteAsync(body);
        await response.OutputStream.FlushAsync();
        response.Abort();
    };

    public static Func<HttpListenerResponse, Task> Silent(TimeSpan delay) => async response =>
    {
        await Task.Delay(delay);
        response.Abort();
    };

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            Requests++;
            var reply = _replies.Count > 0 ? _replies.Dequeue() : Status(500);
            _ = Task.Run(async () =>
            {
                try
                {
                    await reply(context.Response);
                }
                catch (Exception)
                {
                    // The client may already have gone; nothing to report.
                }
            });
        }
    }
}

public sealed class DownloaderTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200).Select(i => $"headline {i}\t{i % 2}\n")));
    private static readonly string ContentSha256 = Convert.ToHexStringLower(SHA256.HashData(Content));

    private static Downloader Client(int attempts = 1, double timeoutSeconds = 10) =>
        new(new HttpClient { Timeout = TimeSpan.FromSeconds(timeoutSeconds) }, attempts, TimeSpan.FromMilliseconds(50));

    private static string Target() => Path.Combine(Files.Folder(), "corpus.txt");

    [Fact]
    public async Task A_complete_verified_download_lands_in_place()
    {
        using var server = new ScriptedServer(ScriptedServer.Body(Content));
        var target = Target();

        await Client().FetchAsync(server.Url, target, new DownloadExpectation(Sha256: ContentSha256));

        Assert.Equal(Content, await File.ReadAllBytesAsync(target));
        Assert.Equal([target], Directory.GetFiles(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public async Task A_404_fails_and_leaves_nothing()
    {
        using var server = new ScriptedServer(ScriptedServer.Status(404));
        var target = Target();

        var error = await Assert.ThrowsAsync<IOException>(() => Client().FetchAsync(server.Url, target, new DownloadExpectation()));

        Assert.Contains("404", error.Message);
        Assert.Contains(server.Url.ToString(), error.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out()
    {
        using var server = new ScriptedServer(ScriptedServer.Silent(TimeSpan.FromSeconds(20)));
        var target = Target();

        var error = await Assert.ThrowsAsync<IOException>(() => Client(timeoutSeconds: 1).FetchAsync(server.Url, target, new DownloadExpectation()));

        Assert.Contains("timed out", error.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task A_truncated_body_is_never_left_looking_complete()
    {
        using var server = new ScriptedServer(ScriptedServer.Truncated(Content));
        var target = Target();
        File.WriteAllText(target, "the previous, complete file");

        await Assert.ThrowsAsync<IOException>(() => Client().FetchAsync(server.Url, target, new DownloadExpectation()));

        Assert.Equal("the previous, complete file", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public async Task A_checksum_mismatch_is_refused()
    {
        using var server = new ScriptedServer(ScriptedServer.Body(Content));
        var target = Target();
        var wrong = new string('0', 64);

        var error = await Assert.ThrowsAsync<IOException>(() => Client().FetchAsync(server.Url, target, new DownloadExpectation(Sha256: wrong)));

        Assert.Contains($"its SHA-256 is {ContentSha256}, not the expected {wrong}", error.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task A_failed_attempt_is_retried()
    {
        using var server = new ScriptedServer(ScriptedServer.Status(503), ScriptedServer.Body(Content));
        var target = Target();

        await Client(attempts: 3).FetchAsync(server.Url, target, new DownloadExpectation(Sha256: ContentSha256));

        Assert.Equal(2, server.Requests);
        Assert.Equal(Content, await File.ReadAllBytesAsync(target));
    }

    [Fact]
    public async Task A_file_that_fails_its_content_check_is_refused()
    {
        using var server = new ScriptedServer(ScriptedServer.Body(Encoding.UTF8.GetBytes("<html>rate limited</html>\n")));
        var target = Target();
        var expectation = new DownloadExpectation(Check: path =>
            LabelledFile.ReadRecords(path, LabelledFileLayout.ThucNews));

        var error = await Assert.ThrowsAsync<IOException>(() => Client().FetchAsync(server.Url, target, expectation));

        Assert.Contains("not what was expected", error.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task Failed_attempts_are_summed_up_once_when_they_fail_alike_and_one_by_one_when_not()
    {
        using var alike = new ScriptedServer(ScriptedServer.Status(404), ScriptedServer.Status(404), ScriptedServer.Status(404));
        using var unlike = new ScriptedServer(ScriptedServer.Status(503), ScriptedServer.Status(404));

        var same = await Assert.ThrowsAsync<IOException>(() => Client(attempts: 3).FetchAsync(alike.Url, Target(), new DownloadExpectation()));
        var different = await Assert.ThrowsAsync<IOException>(() => Client(attempts: 2).FetchAsync(unlike.Url, Target(), new DownloadExpectation()));

        Assert.EndsWith(": 3 attempts, each: the server answered 404 Not Found", same.Message);
        Assert.EndsWith(": attempt 1: the server answered 503 Service Unavailable; attempt 2: the server answered 404 Not Found", different.Message);
    }

    /// <summary>A corpus source whose two mirrors are local test servers and whose one file is pinned to <see cref="Content"/>.</summary>
    private static CorpusSource Source(params ScriptedServer[] mirrors) =>
        Corpora.ThucNewsSource with
        {
            Mirrors = mirrors.Select(m => new Mirror(new Uri(m.Url, "/"))).ToList(),
            Files = new Dictionary<string, SourceFile> { ["dev.txt"] = new("dev.txt", ContentSha256, 200) },
        };

    [Fact]
    public void When_the_first_mirror_fails_the_second_serves_the_pinned_file()
    {
        using var first = new ScriptedServer(ScriptedServer.Status(404));
        using var second = new ScriptedServer(ScriptedServer.Body(Content));
        var folder = Files.Folder();
        var notes = new List<string>();

        Corpora.Fetch(Source(first, second), folder, ["dev.txt"], Client(), notes.Add);

        Assert.Equal(Content, File.ReadAllBytes(Path.Combine(folder, "dev.txt")));
        Assert.Equal((1, 1), (first.Requests, second.Requests));
        Assert.Contains($"downloaded {new Uri(second.Url, "/dev.txt")}", Assert.Single(notes));
    }

    [Fact]
    public void Altered_bytes_from_every_mirror_are_refused_with_both_hashes_and_nothing_is_kept()
    {
        var altered = Content.Select((b, i) => i == 3 ? (byte)'X' : b).ToArray();
        var alteredSha256 = Convert.ToHexStringLower(SHA256.HashData(altered));
        using var first = new ScriptedServer(ScriptedServer.Body(altered));
        using var second = new ScriptedServer(ScriptedServer.Status(500));
        var folder = Files.Folder();

        var error = Assert.Throws<CorpusUnavailableException>(() => Corpora.Fetch(Source(first, second), folder, ["dev.txt"], Client()));

        Assert.Contains($"its SHA-256 is {alteredSha256}, not the expected {ContentSha256}", error.Message);
        Assert.Contains("500", error.Message);
        Assert.Contains("Downloading dev.txt failed from every source", error.Reason);
        Assert.Empty(Directory.GetFiles(folder));
    }
}

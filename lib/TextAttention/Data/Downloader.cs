using TextAttention.IO;
using System.Security.Cryptography;

namespace TextAttention.Data;

/// <summary>What a downloaded file must satisfy before it replaces anything.</summary>
/// <param name="Sha256">The expected SHA-256 in hex, when the file is known exactly.</param>
/// <param name="MinBytes">A lower bound on its size, when only that is known.</param>
/// <param name="Check">A last check of the finished file (for example a row count); throw to reject it.</param>
public sealed record DownloadExpectation(string? Sha256 = null, long MinBytes = 1, Action<string>? Check = null);

/// <summary>
/// Downloads a file so that nothing incomplete ever sits where a complete file should: the body is
/// streamed into a temporary file beside the target, checked, and only then renamed into place.
/// Failures are retried a few times with a pause; the final error says what was tried.
/// </summary>
public sealed class Downloader(HttpClient client, int attempts = 3, TimeSpan? pause = null)
{
    private readonly TimeSpan _pause = pause ?? TimeSpan.FromSeconds(2);

    /// <summary>A downloader with a 60 s timeout per attempt.</summary>
    public static Downloader Default() => new(new HttpClient { Timeout = TimeSpan.FromSeconds(60) });

    /// <exception cref="IOException">Every attempt failed; the message names the URL, the target and the last reason.</exception>
    public async Task FetchAsync(Uri url, string target, DownloadExpectation expectation, CancellationToken cancel = default)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(target)) ?? ".";
        Directory.CreateDirectory(folder);
        var reasons = new List<string>();
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            var temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.download");
            try
            {
                using (var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel))
                {
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new IOException($"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
                    }

                    await using var body = await response.Content.ReadAsStreamAsync(cancel);
                    await using var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write);
                    await body.CopyToAsync(file, cancel);
                    await file.FlushAsync(cancel);
                    var expectedLength = response.Content.Headers.ContentLength;
                    if (expectedLength is { } length && file.Length != length)
                    {
                        throw new IOException($"the body ended after {file.Length:N0} of {length:N0} bytes");
                    }
                }

                Verify(temporary, expectation);
                File.Move(temporary, target, overwrite: true);
                return;
            }
            catch (Exception e) when (e is IOException or HttpRequestException or TaskCanceledException or InvalidDataException && !cancel.IsCancellationRequested)
            {
                reasons.Add(e is TaskCanceledException ? "timed out" : e.Message);
                if (attempt < attempts)
                {
                    await Task.Delay(_pause, cancel);
                }
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        // The same reason every time (no network, say) is said once, with the count.
        var summary = reasons.Distinct().Count() == 1
            ? (reasons.Count == 1 ? reasons[0] : $"{reasons.Count} attempts, each: {reasons[0]}")
            : string.Join("; ", reasons.Select((r, i) => $"attempt {i + 1}: {r}"));
        throw new IOException($"could not download {url} to {target}: {summary}");
    }

    private static void Verify(string path, DownloadExpectation expectation)
    {
        var length = new FileInfo(path).Length;
        if (length < expectation.MinBytes)
        {
            throw new InvalidDataException($"the file has {length:N0} bytes, fewer than the {expectation.MinBytes:N0} expected");
        }

        if (expectation.Sha256 is { } expected)
        {
            using var stream = File.OpenRead(path);
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"its SHA-256 is {actual}, not the expected {expected.ToLowerInvariant()}");
            }
        }

        try
        {
            expectation.Check?.Invoke(path);
        }
        catch (DataFormatException e)
        {
            throw new InvalidDataException($"the downloaded file is not what was expected: {e.Problem}", e);
        }
    }
}

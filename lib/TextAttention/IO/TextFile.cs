using System.Text;

namespace TextAttention.IO;

/// <summary>
/// Strict reading of UTF-8 text files. Accepts a byte-order mark and CRLF or LF line ends; refuses,
/// naming the file and line, a missing or empty file, bytes that are not UTF-8, and a line longer
/// than <see cref="MaxLineLength"/> (the sign of a file that is not one record per line).
/// </summary>
public static class TextFile
{
    /// <summary>The longest line accepted, in characters. A news item is a few hundred.</summary>
    public const int MaxLineLength = 1_000_000;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every line with its 1-based number, blank ones included, line ends removed.</summary>
    /// <exception cref="DataFormatException">Missing, empty, not UTF-8, or a line too long.</exception>
    public static IReadOnlyList<(long Number, string Text)> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, 0, "no such file");
        }

        var bytes = File.ReadAllBytes(path);
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var lines = new List<(long, string)>();
        long number = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                end = bytes.Length;
            }

            number++;
            var length = end - start;
            if (length > 0 && bytes[end - 1] == (byte)'\r')
            {
                length--;
            }

            string text;
            try
            {
                text = Strict.GetString(bytes, start, length);
            }
            catch (DecoderFallbackException e)
            {
                var at = e.Index >= 0 ? $" (byte 0x{e.BytesUnknown?.FirstOrDefault():X2} near byte {e.Index + 1} of the line)" : "";
                throw new DataFormatException(path, number, $"is not valid UTF-8{at}; save the file as UTF-8");
            }

            if (text.Length > MaxLineLength)
            {
                throw new DataFormatException(path, number, $"the line is {text.Length:N0} characters long, more than the limit of {MaxLineLength:N0}; is this a text file with one record per line?");
            }

            lines.Add((number, text));
            start = end + 1;
        }

        if (lines.All(l => string.IsNullOrWhiteSpace(l.Item2)))
        {
            throw new DataFormatException(path, 0, "the file is empty");
        }

        return lines;
    }

    /// <summary>The validated file as one string with LF line ends and no byte-order mark.</summary>
    public static string ReadAllText(string path) =>
        string.Join('\n', ReadLines(path).Select(l => l.Text)) + "\n";
}

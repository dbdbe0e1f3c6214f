using System.Globalization;
using System.Text;
using JiebaNet.Segmenter;

namespace TextAttention.Text;

/// <summary>A token and where it came from: <see cref="Start"/> and <see cref="Length"/> in UTF-16 units of the original text.</summary>
public readonly record struct TokenSpan(string Token, int Start, int Length)
{
    public int End => Start + Length;
}

/// <summary>
/// Splits a text into tokens. Implementations are deterministic and thread-safe, and never split a user-perceived
/// character (a text element: an emoji with its modifiers, a letter with its combining marks, a character outside
/// the Basic Multilingual Plane) between two tokens.
/// </summary>
public interface ITokenizer
{
    /// <summary>The stable name that <see cref="Tokenizers.Create"/> accepts.</summary>
    string Name { get; }

    /// <summary>The tokens with their places in <paramref name="text"/>, in order.</summary>
    IReadOnlyList<TokenSpan> Spans(string text);

    /// <summary>The tokens alone.</summary>
    IReadOnlyList<string> Tokenize(string text);
}

/// <summary>Every tokenizer by its stable name.</summary>
public static class Tokenizers
{
    public const string EnglishWords = "english-words";
    public const string ChineseCharacters = "chinese-chars";
    public const string ChineseWords = "chinese-words";

    public static IReadOnlyList<string> Names { get; } = [EnglishWords, ChineseCharacters, ChineseWords];

    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static ITokenizer Create(string name) => name switch
    {
        EnglishWords => new EnglishWordTokenizer(),
        ChineseCharacters => new ChineseCharacterTokenizer(),
        ChineseWords => new ChineseWordTokenizer(),
        _ => throw new ArgumentException($"'{name}' is not a tokenizer; choose one of: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>What a text element (a user-perceived character) is, by its first code point.</summary>
    internal enum Kind
    {
        Letter,
        Number,
        Space,
        Other,
    }

    /// <summary>The text elements of <paramref name="text"/> (UAX #29 grapheme clusters) with their kinds.</summary>
    internal static IEnumerable<(int Start, int Length, Kind Kind, Rune First)> Elements(string text)
    {
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            var start = enumerator.ElementIndex;
            var element = (string)enumerator.Current;
            var first = Rune.GetRuneAt(text, start);
            var kind = Rune.IsWhiteSpace(first) ? Kind.Space
                : Rune.IsLetter(first) ? Kind.Letter
                : Rune.IsNumber(first) ? Kind.Number
                : Kind.Other;
            yield return (start, element.Length, kind, first);
        }
    }
}

/// <summary>
/// English words, lower-cased: runs of letters (with inner apostrophes, "don't"), runs of digits (with inner "." or
/// ",", "3.5"), and every other visible character (a punctuation mark, an emoji with its modifiers) as a token of its
/// own. Letters keep their combining marks.
/// </summary>
public sealed class EnglishWordTokenizer : ITokenizer
{
    public string Name => Tokenizers.EnglishWords;

    public IReadOnlyList<string> Tokenize(string text) => Spans(text).Select(s => s.Token).ToArray();

    public IReadOnlyList<TokenSpan> Spans(string text)
    {
        var elements = Tokenizers.Elements(text).ToList();
        var spans = new List<TokenSpan>();
        for (var i = 0; i < elements.Count;)
        {
            var (start, _, kind, _) = elements[i];
            var next = kind switch
            {
                Tokenizers.Kind.Letter => Run(elements, i, Tokenizers.Kind.Letter, joiner: c => c == '\''),
                Tokenizers.Kind.Number => Run(elements, i, Tokenizers.Kind.Number, joiner: c => c is '.' or ','),
                _ => i + 1,
            };
            if (kind != Tokenizers.Kind.Space)
            {
                var end = elements[next - 1].Start + elements[next - 1].Length;
                spans.Add(new TokenSpan(text[start..end].ToLowerInvariant(), start, end - start));
            }

            i = next;
        }

        return spans;
    }

    /// <summary>
    /// The end (exclusive) of a run of <paramref name="kind"/> elements starting at <paramref name="i"/>, where a single
    /// joiner between two runs keeps them one token.
    /// </summary>
    private static int Run(List<(int Start, int Length, Tokenizers.Kind Kind, Rune First)> elements, int i, Tokenizers.Kind kind, Func<int, bool> joiner)
    {
        var end = i;
        while (true)
        {
            while (end < elements.Count && elements[end].Kind == kind)
            {
                end++;
            }

            if (end + 1 < elements.Count && elements[end].Length == 1 && joiner(elements[end].First.Value) && elements[end + 1].Kind == kind)
            {
                end++;
                continue;
            }

            return end;
        }
    }
}

/// <summary>
/// Chinese at the character level, the usual choice for short headlines: each CJK character is a
/// token; runs of Latin letters or digits stay whole and are lower-cased ("A股" → "a", "股");
/// other symbols are tokens of their own; white space separates and is dropped.
/// </summary>
public sealed class ChineseCharacterTokenizer : ITokenizer
{
    public string Name => Tokenizers.ChineseCharacters;

    public IReadOnlyList<string> Tokenize(string text) => Spans(text).Select(s => s.Token).ToArray();

    public IReadOnlyList<TokenSpan> Spans(string text)
    {
        var spans = new List<TokenSpan>();
        int? runStart = null;
        var runEnd = 0;
        foreach (var (start, length, kind, first) in Tokenizers.Elements(text))
        {
            if (kind is Tokenizers.Kind.Letter or Tokenizers.Kind.Number && Rune.IsLetterOrDigit(first) && first.Value < 0x2E80)
            {
                runStart ??= start;
                runEnd = start + length;
                continue;
            }

            Flush();
            if (kind != Tokenizers.Kind.Space)
            {
                spans.Add(new TokenSpan(text.Substring(start, length), start, length));
            }
        }

        Flush();
        return spans;

        void Flush()
        {
            if (runStart is { } s)
            {
                spans.Add(new TokenSpan(text[s..runEnd].ToLowerInvariant(), s, runEnd - s));
                runStart = null;
            }
        }
    }
}

/// <summary>
/// Chinese words segmented by jieba.NET (precise mode, HMM for unknown words); white-space tokens
/// dropped and Latin letters lower-cased. jieba's dictionaries are read from the <c>jieba</c> folder
/// beside this library (copied there by the build) or from the jieba.NET package itself.
/// </summary>
public sealed class ChineseWordTokenizer : ITokenizer
{
    private static readonly Lazy<JiebaSegmenter> Segmenter = new(CreateSegmenter);
    private static readonly object Gate = new();

    public string Name => Tokenizers.ChineseWords;

    public IReadOnlyList<string> Tokenize(string text) => Spans(text).Select(s => s.Token).ToArray();

    public IReadOnlyList<TokenSpan> Spans(string text)
    {
        List<JiebaNet.Segmenter.Token> words;
        lock (Gate)
        {
            words = Segmenter.Value.Tokenize(text, TokenizerMode.Default, hmm: true).ToList();
        }

        // jieba cuts characters outside the Basic Multilingual Plane into their UTF-16 halves and a base character from
        // its combining marks; a piece that ends inside a text element is joined to the next, so every token is whole.
        var boundaries = new HashSet<int>(StringInfo.ParseCombiningCharacters(text)) { text.Length };
        var spans = new List<TokenSpan>();
        var start = -1;
        foreach (var word in words.OrderBy(w => w.StartIndex))
        {
            start = start < 0 ? word.StartIndex : start;
            if (!boundaries.Contains(word.EndIndex))
            {
                continue;
            }

            var piece = text[start..word.EndIndex];
            if (!string.IsNullOrWhiteSpace(piece))
            {
                spans.Add(new TokenSpan(piece.ToLower(CultureInfo.InvariantCulture), start, piece.Length));
            }

            start = -1;
        }

        return spans;
    }

    /// <summary>The folder holding jieba's dict.txt, or an exception that says where it looked.</summary>
    public static string DictionaryFolder()
    {
        var besideLibrary = Path.Combine(Path.GetDirectoryName(typeof(ChineseWordTokenizer).Assembly.Location) ?? ".", "jieba");
        // JiebaNet.Segmenter.dll sits at <package>/lib/netstandard2.0/ in the NuGet cache.
        var inPackage = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(JiebaSegmenter).Assembly.Location) ?? ".", "..", "..", "Resources"));
        foreach (var folder in new[] { besideLibrary, inPackage })
        {
            if (File.Exists(Path.Combine(folder, "dict.txt")))
            {
                return folder;
            }
        }

        throw new DirectoryNotFoundException($"jieba's dictionaries (dict.txt) are in neither {besideLibrary} nor {inPackage}; rebuild lib/TextAttention, which copies them.");
    }

    private static JiebaSegmenter CreateSegmenter()
    {
        ConfigManager.ConfigFileBaseDir = DictionaryFolder();
        return new JiebaSegmenter();
    }
}

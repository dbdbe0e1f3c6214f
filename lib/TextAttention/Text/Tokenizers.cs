using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using JiebaNet.Segmenter;

namespace TextAttention.Text;

/// <summary>Splits a text into tokens. Implementations are deterministic and thread-safe.</summary>
public interface ITokenizer
{
    /// <summary>The stable name that <see cref="Tokenizers.Create"/> accepts.</summary>
    string Name { get; }

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
}

/// <summary>
/// English words, lower-cased: runs of letters (with inner apostrophes, "don't"), runs of digits
/// (with inner "." or ",", "3.5"), and every other non-space character as a token of its own.
/// </summary>
public sealed partial class EnglishWordTokenizer : ITokenizer
{
    public string Name => Tokenizers.EnglishWords;

    public IReadOnlyList<string> Tokenize(string text) =>
        Token().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToArray();

    [GeneratedRegex(@"\p{L}+(?:'\p{L}+)*|\p{N}+(?:[.,]\p{N}+)*|[^\s\p{L}\p{N}]")]
    private static partial Regex Token();
}

/// <summary>
/// Chinese at the character level, the usual choice for short headlines: each CJK character is a
/// token; runs of Latin letters or digits stay whole and are lower-cased ("A股" → "a", "股");
/// other symbols are tokens of their own; white space separates and is dropped.
/// </summary>
public sealed class ChineseCharacterTokenizer : ITokenizer
{
    public string Name => Tokenizers.ChineseCharacters;

    public IReadOnlyList<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var run = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) && rune.Value < 0x2E80)
            {
                run.Append(rune.ToString());
                continue;
            }

            Flush();
            if (!Rune.IsWhiteSpace(rune))
            {
                tokens.Add(rune.ToString());
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (run.Length > 0)
            {
                tokens.Add(run.ToString().ToLowerInvariant());
                run.Clear();
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

    public IReadOnlyList<string> Tokenize(string text)
    {
        IEnumerable<string> words;
        lock (Gate)
        {
            words = Segmenter.Value.Cut(text, cutAll: false, hmm: true).ToList();
        }

        return words.Where(w => !string.IsNullOrWhiteSpace(w)).Select(w => w.ToLower(CultureInfo.InvariantCulture)).ToArray();
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

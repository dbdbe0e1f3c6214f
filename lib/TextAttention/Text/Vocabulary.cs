using TextAttention.IO;

namespace TextAttention.Text;

/// <summary>
/// Token ids for a model: <c>&lt;pad&gt;</c> = 0, <c>&lt;unk&gt;</c> = 1, then tokens by descending
/// frequency in the training split, ties in ordinal order, so the same data always gives the same ids.
/// </summary>
public sealed class Vocabulary
{
    public const string Pad = "<pad>";
    public const string Unknown = "<unk>";
    public const long PadId = 0;
    public const long UnknownId = 1;

    private readonly Dictionary<string, long> _ids;

    private Vocabulary(IReadOnlyList<string> tokens)
    {
        Tokens = tokens;
        _ids = new Dictionary<string, long>(tokens.Count, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            _ids[tokens[i]] = i;
        }
    }

    /// <summary>Every token by id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    public int Count => Tokens.Count;

    /// <summary>
    /// Builds the vocabulary from tokenised training texts only (never validation or test, whose
    /// words must count as unseen), keeping tokens seen at least <paramref name="minFrequency"/>
    /// times, and at most <paramref name="maxSize"/> entries including the two special ones.
    /// </summary>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> trainingTexts, int minFrequency = 1, int? maxSize = null)
    {
        if (minFrequency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minFrequency), minFrequency, "the minimum frequency must be at least 1");
        }

        if (maxSize is < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "the vocabulary needs room for <pad> and <unk>");
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in trainingTexts)
        {
            foreach (var token in text)
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }

        var kept = counts
            .Where(c => c.Value >= minFrequency && c.Key != Pad && c.Key != Unknown)
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key);
        if (maxSize is { } max)
        {
            kept = kept.Take(max - 2);
        }

        return new Vocabulary([Pad, Unknown, .. kept]);
    }

    public long Id(string token) => _ids.TryGetValue(token, out var id) ? id : UnknownId;

    public long[] Encode(IReadOnlyList<string> tokens) => tokens.Select(Id).ToArray();

    /// <summary>The share of tokens that map to <c>&lt;unk&gt;</c>, 0 for no tokens.</summary>
    public double OutOfVocabularyRate(IEnumerable<IReadOnlyList<string>> texts)
    {
        long total = 0, unknown = 0;
        foreach (var text in texts)
        {
            foreach (var token in text)
            {
                total++;
                if (!_ids.ContainsKey(token))
                {
                    unknown++;
                }
            }
        }

        return total == 0 ? 0 : (double)unknown / total;
    }

    /// <summary>Writes one token per line, in id order, atomically.</summary>
    public void Save(string path) =>
        AtomicFile.WriteAllText(path, string.Join('\n', Tokens) + "\n");

    /// <summary>Reads a file written by <see cref="Save"/>, refusing anything that would shift ids.</summary>
    /// <exception cref="DataFormatException">The file is missing, empty, or not a vocabulary.</exception>
    public static Vocabulary Load(string path)
    {
        var lines = TextFile.ReadLines(path).ToList();
        if (lines.Count < 2 || lines[0].Text != Pad || lines[1].Text != Unknown)
        {
            throw new DataFormatException(path, lines.Count == 0 ? 0 : 1, $"a vocabulary starts with {Pad} and {Unknown} on lines 1 and 2");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (number, text) in lines)
        {
            if (text.Length == 0 || text.Any(char.IsWhiteSpace))
            {
                throw new DataFormatException(path, number, "a token is empty or contains white space");
            }

            if (!seen.Add(text))
            {
                throw new DataFormatException(path, number, $"the token '{text}' appears twice");
            }
        }

        return new Vocabulary(lines.Select(l => l.Text).ToArray());
    }
}

namespace TextAttention.Data;

/// <summary>One labelled text.</summary>
/// <param name="Text">The raw text, before tokenisation.</param>
/// <param name="Label">The class index, 0 ≤ Label &lt; K.</param>
/// <param name="Evidence">
/// For the synthetic corpus only: the token positions that decide the class, so notebooks can
/// measure how much attention falls on them. Null for real corpora.
/// </param>
public sealed record Example(string Text, int Label, IReadOnlyList<int>? Evidence = null);

/// <summary>A corpus split three ways, with its classes and the tokenizer that suits its language.</summary>
/// <param name="Notes">What a reader should know about how it was loaded (for example a split made from a subset).</param>
public sealed record Corpus(
    string Name,
    IReadOnlyList<string> ClassNames,
    string TokenizerName,
    IReadOnlyList<Example> Train,
    IReadOnlyList<Example> Validation,
    IReadOnlyList<Example> Test,
    IReadOnlyList<string> Notes)
{
    /// <summary>
    /// Twelve hex digits that name exactly this data (the files read, with their hashes, and how they were split
    /// and cut); results carry it. Empty when unknown.
    /// </summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>How to make this corpus again (in another process, for example); null for a corpus built by hand.</summary>
    public CorpusRecipe? Recipe { get; init; }

    /// <summary>The first twelve hex digits of the SHA-256 of <paramref name="description"/>.</summary>
    public static string FingerprintOf(string description) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(description)))[..12];
}

/// <summary>Seeded, stratified splits for corpora that do not bring their own.</summary>
public static class Splits
{
    /// <summary>
    /// Splits <paramref name="examples"/> so that each class keeps its share in every part: within each
    /// class the examples are shuffled with <paramref name="seed"/>, then the first
    /// <paramref name="firstShare"/> go to the first part and the next <paramref name="secondShare"/> to
    /// the second; the rest form the third. Orders within parts follow the input order.
    /// </summary>
    public static (List<Example> First, List<Example> Second, List<Example> Third) Stratified(
        IReadOnlyList<Example> examples, double firstShare, double secondShare, int seed)
    {
        if (firstShare <= 0 || secondShare < 0 || firstShare + secondShare > 1)
        {
            throw new ArgumentException($"shares {firstShare} and {secondShare} must be positive and total at most 1.");
        }

        var part = new int[examples.Count];
        var random = new Random(seed);
        foreach (var group in Enumerable.Range(0, examples.Count).GroupBy(i => examples[i].Label).OrderBy(g => g.Key))
        {
            var indices = group.ToArray();
            random.Shuffle(indices);
            var first = (int)Math.Round(indices.Length * firstShare);
            var second = (int)Math.Round(indices.Length * secondShare);
            for (var k = 0; k < indices.Length; k++)
            {
                part[indices[k]] = k < first ? 0 : k < first + second ? 1 : 2;
            }
        }

        var parts = (new List<Example>(), new List<Example>(), new List<Example>());
        for (var i = 0; i < examples.Count; i++)
        {
            (part[i] switch { 0 => parts.Item1, 1 => parts.Item2, _ => parts.Item3 }).Add(examples[i]);
        }

        return parts;
    }
}

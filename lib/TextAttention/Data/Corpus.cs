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

/// <summary>
/// One fold of a k-fold rotation: the test split is fold <see cref="Index"/> of <see cref="Count"/> (stratified,
/// seeded), the validation split the next fold, and training gets the other <see cref="Count"/> − 2. Rotating the
/// index over the seeds of an experiment tests every example once per rotation without ever training on it.
/// </summary>
public sealed record FoldSplit(int Index, int Count)
{
    /// <exception cref="ArgumentException">Fewer than 3 folds, or an index outside 0 … Count − 1.</exception>
    public FoldSplit Validate() =>
        Count < 3 ? throw new ArgumentException($"a fold rotation needs at least 3 folds (test, validation, training); got {Count}.")
        : Index < 0 || Index >= Count ? throw new ArgumentException($"fold {Index} is not one of 0 … {Count - 1}.")
        : this;

    /// <summary>The fold a run with <paramref name="seed"/> tests on, when a rotation of <paramref name="count"/> folds follows the seeds.</summary>
    public static FoldSplit ForSeed(int seed, int count) => new FoldSplit(((seed % count) + count) % count, count).Validate();

    public override string ToString() => $"fold {Index} of {Count}";
}

/// <summary>Seeded, stratified splits for corpora that do not bring their own.</summary>
public static class Splits
{
    /// <summary>
    /// The <paramref name="fold"/> split of <paramref name="examples"/>: within each class the examples are shuffled
    /// with <paramref name="seed"/> and dealt to the folds in turn, so every fold keeps each class's share (sizes differ
    /// by at most one per class). Test is the fold itself, validation the next fold, training the rest; orders within
    /// parts follow the input order. The assignment depends on the seed, not on the fold asked for.
    /// </summary>
    public static (List<Example> Train, List<Example> Validation, List<Example> Test) Fold(IReadOnlyList<Example> examples, FoldSplit fold, int seed)
    {
        fold.Validate();
        var assigned = new int[examples.Count];
        var random = new Random(seed);
        foreach (var group in Enumerable.Range(0, examples.Count).GroupBy(i => examples[i].Label).OrderBy(g => g.Key))
        {
            var indices = group.ToArray();
            random.Shuffle(indices);
            for (var k = 0; k < indices.Length; k++)
            {
                assigned[indices[k]] = k % fold.Count;
            }
        }

        var validationFold = (fold.Index + 1) % fold.Count;
        var parts = (new List<Example>(), new List<Example>(), new List<Example>());
        for (var i = 0; i < examples.Count; i++)
        {
            (assigned[i] == fold.Index ? parts.Item3 : assigned[i] == validationFold ? parts.Item2 : parts.Item1).Add(examples[i]);
        }

        return parts;
    }

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

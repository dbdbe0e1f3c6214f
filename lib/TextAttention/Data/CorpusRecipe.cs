namespace TextAttention.Data;

/// <summary>
/// How a corpus was made, in a form that can be written down and replayed: which corpus or file, from which
/// data folder and definition, with which split seed and options, and the subset cut, if any. A worker process
/// rebuilds exactly the corpus its parent holds from this, and the result's <see cref="Corpus.Fingerprint"/>
/// proves it did.
/// </summary>
/// <param name="NameOrPath">A name from <see cref="Corpora.Names"/> or the full path of a labelled file.</param>
/// <param name="MaxTrain">The <see cref="Corpora.Subset"/> cut of the training split, when one was made.</param>
/// <param name="MaxEvaluation">The subset cut of the validation and test splits, when one was made.</param>
/// <param name="SubsetSeed">The seed of the subset draw.</param>
/// <param name="Fold">The fold of a k-fold rotation, when the corpus was split that way.</param>
public sealed record CorpusRecipe(
    string NameOrPath,
    string? DataDirectory,
    CorpusDefinition Definition,
    int Seed,
    SyntheticOptions? Synthetic,
    LabelledFileLayout? Layout,
    int? MaxTrain = null,
    int? MaxEvaluation = null,
    int SubsetSeed = 2016,
    FoldSplit? Fold = null)
{
    /// <summary>The recipe of <see cref="Corpora.Load"/> called with these arguments.</summary>
    public static CorpusRecipe Of(string nameOrPath, CorpusOptions options) => new(
        Corpora.Names.Contains(nameOrPath) ? nameOrPath : Path.GetFullPath(nameOrPath),
        string.IsNullOrWhiteSpace(options.DataDirectory) ? null : Path.GetFullPath(options.DataDirectory),
        options.Definition, options.Seed, options.Synthetic, options.Layout, Fold: options.Fold);

    /// <summary>
    /// Loads the corpus again, never downloading: a replay must read the very files its parent read.
    /// </summary>
    /// <exception cref="IO.DataFormatException">A data file is malformed.</exception>
    /// <exception cref="IOException">A file of the corpus is missing.</exception>
    public Corpus Load(Action<string>? warn = null)
    {
        var corpus = Corpora.Load(NameOrPath, new CorpusOptions(DataDirectory, AllowDownload: false, Seed, warn, Synthetic, Layout, Definition, Fold));
        return MaxTrain is { } train && MaxEvaluation is { } evaluation ? Corpora.Subset(corpus, train, evaluation, SubsetSeed) : corpus;
    }
}

using System.Globalization;
using TextAttention.IO;
using TextAttention.Text;

namespace TextAttention.Data;

/// <summary>How <see cref="Corpora.Load"/> finds and splits a corpus.</summary>
/// <param name="DataDirectory">
/// The data folder that holds (or receives) <c>agnews/</c> and <c>thucnews/</c>. The caller decides it (the
/// command line from <c>--data-dir</c> or <c>TEXTATTENTION_DATA</c>, notebooks from their session); only the
/// synthetic corpus and user files can do without one.
/// </param>
/// <param name="AllowDownload">Whether a missing real corpus may be downloaded into the data folder.</param>
/// <param name="Seed">Seed of the stratified splits made for corpora without their own.</param>
/// <param name="Warn">Receives notices such as skipped records; ignored when null.</param>
/// <param name="Synthetic">Options of the synthetic corpus.</param>
/// <param name="Layout">How a user file is laid out; by default a header with columns "text" and "label".</param>
/// <param name="Definition">Which files make up a real corpus: what the folder has, the published files (hash-checked), or the official splits.</param>
/// <param name="Fold">
/// For a corpus that is split by seed (no test split of its own: AG News's published file, the tweets, a user file),
/// this fold of a k-fold rotation instead of the 80/10/10 split (<see cref="Splits.Fold"/>); null for 80/10/10.
/// </param>
public sealed record CorpusOptions(
    string? DataDirectory = null,
    bool AllowDownload = true,
    int Seed = 2016,
    Action<string>? Warn = null,
    SyntheticOptions? Synthetic = null,
    LabelledFileLayout? Layout = null,
    CorpusDefinition Definition = CorpusDefinition.Available,
    FoldSplit? Fold = null);

/// <summary>
/// The catalogue: <c>synthetic</c> (generated, works offline), <c>agnews</c> (AG News),
/// <c>thucnews</c> (THUCNews headlines), <c>tweets</c> (Tweet Sentiment Extraction, with human rationales), or the
/// path of a labelled CSV/TSV file. Real corpora are read from their folder in the data folder
/// (<c>&lt;data folder&gt;/agnews/</c>, …), downloaded there when absent (and allowed). Where a corpus has its own splits they are used; a
/// missing validation split is 10% of train; without the training file but with the validation and test
/// files (THUCNews's dev.txt and test.txt), the validation file is split 90/10 into train and validation
/// and the published test split stays the test split; with less, or for a user file, a seeded stratified
/// 80/10/10 split is made. The corpus's notes say which.
/// </summary>
public static class Corpora
{
    public const string Synthetic = "synthetic";
    public const string AgNews = "agnews";
    public const string ThucNews = "thucnews";
    public const string Tweets = "tweets";

    public static IReadOnlyList<string> Names { get; } = [Synthetic, AgNews, ThucNews, Tweets];

    /// <summary>
    /// AG News (Zhang, Zhao and LeCun, 2015) as distributed with the character-CNN experiments, pinned at a commit.
    /// test.csv and classes.txt were checked byte for byte; train.csv's hash is the one that public projects pinning
    /// this address report, not checked here. The second address is a fork at a fixed commit: the hashes decide
    /// whether what it serves is accepted.
    /// </summary>
    public static CorpusSource AgNewsSource { get; } = new(
        AgNews, "AG News",
        [
            new Uri("https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/555590db4219b1243abb1918effd6a7425a2d75f/data/ag_news_csv/"),
            new Uri("https://raw.githubusercontent.com/Shane-Neeley/CharCnn_Keras/d9ce812c5053eddc7b7547c558863bbf9d787120/data/ag_news_csv/"),
        ],
        Train: ["train.csv"], Validation: [], Test: ["test.csv"], Published: ["test.csv"], ClassFile: "classes.txt", FirstCode: 1,
        Files: Pinned(
            new SourceFile("train.csv", "76a0a2d2f92b286371fe4d4044640910a04a803fdd2538e0f3f29a5c6f6b672e", 120_000),
            new SourceFile("test.csv", "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699", 7_600),
            new SourceFile("classes.txt", "612dbfa932f07a6ed837295a7d5746ce7412e7bb4bc32ba919fdb3cda3a1b9b5")),
        DefaultClasses: ["World", "Sports", "Business", "Sci/Tech"],
        LabelledFileLayout.AgNews, Tokenizers.EnglishWords, CleanAgNews);

    /// <summary>
    /// The THUCNews headline subset of Chinese-Text-Classification-Pytorch: 10 classes, 180k/10k/10k, pinned at a
    /// commit, with its byte-identical copy in the author's BERT repository as the second address. dev.txt,
    /// test.txt and class.txt were checked byte for byte; train.txt's hash is not known here, so only its shape
    /// (180,000 records) is checked.
    /// </summary>
    public static CorpusSource ThucNewsSource { get; } = new(
        ThucNews, "THUCNews headlines",
        [
            new Uri("https://raw.githubusercontent.com/649453932/Chinese-Text-Classification-Pytorch/6cb26819af7b646275aff8a4693676f2849e67f6/THUCNews/data/"),
            new Uri("https://raw.githubusercontent.com/649453932/Bert-Chinese-Text-Classification-Pytorch/050a7b0dc75d8a2d7fd526002c4642d5329a0c27/THUCNews/data/"),
        ],
        Train: ["train.txt"], Validation: ["dev.txt"], Test: ["test.txt"], Published: ["dev.txt", "test.txt"], ClassFile: "class.txt", FirstCode: 0,
        Files: Pinned(
            new SourceFile("train.txt", null, 180_000),
            new SourceFile("dev.txt", "6ed73aa2c57ee1560c8f76570d48735c4b1c29ae4983fe3523d56e115813e175", 10_000),
            new SourceFile("test.txt", "ebecc8c896635ad69730083ca7b81d37c42c9a5779bc05c9d2479d894e34f026", 10_000),
            new SourceFile("class.txt", "005e8813ad639c219e5902dc84889202b4a717b4238497d26c3fbd5e43927a86")),
        DefaultClasses: ["finance", "realty", "stocks", "education", "science", "society", "politics", "sports", "game", "entertainment"],
        LabelledFileLayout.ThucNews, Tokenizers.ChineseCharacters, null);

    /// <summary>
    /// Tweet Sentiment Extraction (Figure Eight's "Data for Everyone", CC BY 4.0, as used in the Kaggle competition of
    /// 2020): 27,481 English tweets labelled negative, neutral or positive, each with <c>selected_text</c>, the phrase a
    /// crowd worker marked as the reason for the label. One file, pinned at a commit in two public repositories that
    /// hold the same bytes (checked byte for byte), split by seed like AG News; the phrases become each example's
    /// <see cref="Example.Evidence"/> (<see cref="Rationales.Align"/>).
    /// </summary>
    public static CorpusSource TweetsSource { get; } = new(
        Tweets, "Tweet Sentiment Extraction",
        [
            new Uri("https://raw.githubusercontent.com/inreleppik/tweet-sentiment-extraction/5311fb36c6f16d37e4d6b12563513d58b7307a08/notebooks/data/"),
            new Mirror(new Uri("https://raw.githubusercontent.com/vpham-gia/2020-04_kaggle_tweet_sentiment_extraction/2cbf4bea2be06ee581e8046055b9f93290cfed41/data/raw/"),
                new Dictionary<string, string> { ["kaggle_train.csv"] = "train.csv" }),
        ],
        Train: ["kaggle_train.csv"], Validation: [], Test: [], Published: ["kaggle_train.csv"], ClassFile: null, FirstCode: 0,
        Files: Pinned(new SourceFile("kaggle_train.csv", "192204063468a632b2601f6e833c42d7875b618d1a6e5c9529ad8ca58ee6be75", 27_481)),
        DefaultClasses: ["negative", "neutral", "positive"],
        LabelledFileLayout.Tweets, Tokenizers.EnglishWords, null);

    /// <summary>The published corpora by name.</summary>
    public static IReadOnlyDictionary<string, CorpusSource> Sources { get; } = new Dictionary<string, CorpusSource>
    {
        [AgNews] = AgNewsSource,
        [ThucNews] = ThucNewsSource,
        [Tweets] = TweetsSource,
    };

    /// <summary>The data folder of <paramref name="options"/>, as a full path.</summary>
    /// <exception cref="ArgumentException">No folder was given.</exception>
    public static string DataDirectory(CorpusOptions options, string corpus) =>
        string.IsNullOrWhiteSpace(options.DataDirectory)
            ? throw new ArgumentException($"{corpus} needs a data folder: set CorpusOptions.DataDirectory (the command line's --data-dir or TEXTATTENTION_DATA).")
            : Path.GetFullPath(options.DataDirectory);

    /// <summary>Loads a corpus by name, or a labelled CSV/TSV file by path.</summary>
    /// <exception cref="DataFormatException">A data file is malformed, missing or holds an unknown label.</exception>
    /// <exception cref="IOException">A real corpus is missing and could not be downloaded; the message says where to put it.</exception>
    public static Corpus Load(string nameOrPath, CorpusOptions? options = null)
    {
        var o = options ?? new CorpusOptions();
        var corpus = nameOrPath switch
        {
            Synthetic when o.Fold is not null => throw new ArgumentException("the synthetic corpus generates its own splits; it has no folds."),
            Synthetic => SyntheticCorpus.Generate(o.Synthetic),
            _ when Sources.TryGetValue(nameOrPath, out var source) => LoadReal(source, o),
            _ when File.Exists(nameOrPath) || nameOrPath.Contains('/') || nameOrPath.Contains('.') => LoadFile(nameOrPath, o),
            _ => throw new ArgumentException($"'{nameOrPath}' is neither a corpus ({string.Join(", ", Names)}) nor a file."),
        };
        return corpus with { Recipe = CorpusRecipe.Of(nameOrPath, o) };
    }

    /// <summary>
    /// Examples from an extra labelled file in the format of corpus <paramref name="dataset"/> (AG News
    /// CSV, THUCNews TSV, or for anything else a CSV/TSV with "text" and "label" columns), with labels
    /// resolved against that corpus's classes: for evaluating a trained model on new data.
    /// </summary>
    public static List<Example> ReadExternal(string dataset, string path, IReadOnlyList<string> classNames, Action<string>? warn = null)
    {
        var full = Path.GetFullPath(path);
        var report = warn ?? (_ => { });
        if (Sources.TryGetValue(dataset, out var source))
        {
            var tokenizer = source.Layout.RationaleColumn is null ? null : Tokenizers.Create(source.TokenizerName);
            return LabelledFile.Read(full, source.Layout, new LabelSet(classNames, source.FirstCode), report, source.Clean, tokenizer);
        }

        var delimiter = Path.GetExtension(full).ToLowerInvariant() is ".tsv" or ".txt" ? '\t' : ',';
        var layout = new LabelledFileLayout(delimiter, Quoted: delimiter == ',', Header: true, ["text"], "label");
        var firstCode = classNames.All(n => int.TryParse(n, out _)) ? int.Parse(classNames[0], CultureInfo.InvariantCulture) : 0;
        return LabelledFile.Read(full, layout, new LabelSet(classNames, firstCode), report);
    }

    /// <summary>
    /// The corpus with at most <paramref name="maxTrain"/> training and <paramref name="maxEvaluation"/>
    /// validation and test examples each, drawn stratified with <paramref name="seed"/>: for quick runs.
    /// </summary>
    public static Corpus Subset(Corpus corpus, int maxTrain, int maxEvaluation, int seed = 2016)
    {
        List<Example> Take(IReadOnlyList<Example> split, int max) =>
            split.Count <= max ? [.. split] : Splits.Stratified(split, (double)max / split.Count, 0, seed).First;
        return corpus with
        {
            Train = Take(corpus.Train, maxTrain),
            Validation = Take(corpus.Validation, maxEvaluation),
            Test = Take(corpus.Test, maxEvaluation),
            Notes = [.. corpus.Notes, $"subset: at most {maxTrain} training and {maxEvaluation} validation and test examples, stratified, seed {seed}"],
            Fingerprint = Corpus.FingerprintOf($"{corpus.Fingerprint}|subset {maxTrain}/{maxEvaluation}, seed {seed}"),
            Recipe = corpus.Recipe is { MaxTrain: null } recipe ? recipe with { MaxTrain = maxTrain, MaxEvaluation = maxEvaluation, SubsetSeed = seed } : null,
        };
    }

    /// <summary>A labelled CSV (comma) or TSV (.tsv, .txt: tab) file, split 80/10/10 stratified.</summary>
    public static Corpus LoadFile(string path, CorpusOptions options)
    {
        var full = Path.GetFullPath(path);
        var delimiter = Path.GetExtension(full).ToLowerInvariant() is ".tsv" or ".txt" ? '\t' : ',';
        var layout = options.Layout ?? new LabelledFileLayout(delimiter, Quoted: delimiter == ',', Header: true, ["text"], "label");
        var records = LabelledFile.ReadRecords(full, layout);
        var labels = LabelSet.Discover(records.Select(r => r.Label), full);
        var chinese = records.Take(200).Sum(r => r.Text.Count(IsCjk)) > records.Take(200).Sum(r => r.Text.Length) / 3;
        var tokenizer = chinese ? Tokenizers.ChineseCharacters : Tokenizers.EnglishWords;
        var examples = LabelledFile.Read(full, layout, labels, options.Warn ?? (_ => { }), tokenizer: layout.RationaleColumn is null ? null : Tokenizers.Create(tokenizer));
        var (train, validation, test, how) = SplitBySeed(examples, options);
        return new Corpus(Path.GetFileNameWithoutExtension(full), labels.Names, tokenizer,
            train, validation, test, [$"{Path.GetFileName(full)}: {examples.Count} examples {how}"])
        {
            Fingerprint = Corpus.FingerprintOf($"{Path.GetFileName(full)}:{Sha256Of(full)}|seed {options.Seed}{FoldMark(options)}"),
        };
    }

    private static Corpus LoadReal(CorpusSource source, CorpusOptions options)
    {
        var folder = Path.Combine(DataDirectory(options, source.Folder), source.Folder);
        var all = source.DataFiles;
        var warn = options.Warn ?? (_ => { });
        string[] present;
        var hashes = new Dictionary<string, string>();
        if (options.Definition == CorpusDefinition.Available)
        {
            present = all.Where(f => File.Exists(Path.Combine(folder, f))).ToArray();
            if (present.Length == 0)
            {
                Download(source, folder, source.WithClassFile(all), options);
                present = all;
            }
        }
        else
        {
            present = options.Definition == CorpusDefinition.Published ? source.Published : all;
            var missing = source.WithClassFile(present).Where(f => !File.Exists(Path.Combine(folder, f))).ToArray();
            if (missing.Length > 0)
            {
                Download(source, folder, missing, options);
            }

            foreach (var file in source.WithClassFile(present))
            {
                hashes[file] = Verify(source, Path.Combine(folder, file));
            }
        }

        var classFile = source.ClassFile is null ? null : Path.Combine(folder, source.ClassFile);
        var labels = classFile is not null && File.Exists(classFile) ? LabelSet.FromFile(classFile, source.FirstCode) : new LabelSet(source.DefaultClasses, source.FirstCode);
        var rationaleTokenizer = source.Layout.RationaleColumn is null ? null : Tokenizers.Create(source.TokenizerName);
        List<Example> Read(IEnumerable<string> files) =>
            files.SelectMany(f => LabelledFile.Read(Path.Combine(folder, f), source.Layout, labels, warn, source.Clean, rationaleTokenizer)).ToList();

        var notes = new List<string>();
        List<Example> train, validation, test;
        var fingerprint = Fingerprint(source, folder, present, options, hashes);
        var hasTrain = source.Train.All(present.Contains);
        var hasValidation = source.Validation.Length > 0 && source.Validation.All(present.Contains);
        var hasTest = source.Test.Length > 0 && source.Test.All(present.Contains);
        if (options.Fold is { } fold && hasTest && (hasTrain || hasValidation))
        {
            throw new ArgumentException($"{source.Title} has its own test split here ({string.Join(", ", source.Test)}); folds apply only to corpora that are split by seed, not {fold}.");
        }

        if (hasTrain && hasTest && hasValidation)
        {
            (train, validation, test) = (Read(source.Train), Read(source.Validation), Read(source.Test));
            notes.Add($"{source.Title}: the corpus's own train, validation and test splits");
        }
        else if (hasTrain && hasTest)
        {
            test = Read(source.Test);
            (validation, _, train) = Splits.Stratified(Read(source.Train), 0.1, 0, options.Seed);
            notes.Add($"{source.Title}: its own train and test splits; validation is 10% of train, stratified, seed {options.Seed}");
        }
        else if (hasValidation && hasTest)
        {
            // Without the large training file, the published test split stays the test split and the
            // validation file is divided into training and validation data.
            test = Read(source.Test);
            (validation, _, train) = Splits.Stratified(Read(source.Validation), 0.1, 0, options.Seed);
            notes.Add($"{source.Title}: no {string.Join(", ", source.Train)} in the data folder's {source.Folder}/; its {string.Join(", ", source.Validation)} " +
                      $"({train.Count + validation.Count} examples) split 90/10 into train and validation, stratified, seed {options.Seed}; " +
                      $"test is its own {string.Join(", ", source.Test)} ({test.Count} examples)");
        }
        else
        {
            (train, validation, test, var how) = SplitBySeed(Read(present), options);
            var missing = all.Except(present).ToList();
            notes.Add($"{source.Title}: {(missing.Count == 0 ? $"{string.Join(", ", present)}" : $"only {string.Join(", ", present)} in the data folder's {source.Folder}/ (no {string.Join(", ", missing)})")}; " +
                      $"its {train.Count + validation.Count + test.Count} examples {how}");
        }

        foreach (var note in notes)
        {
            warn(note);
        }

        return new Corpus(source.Folder, labels.Names, source.TokenizerName, train, validation, test, notes) { Fingerprint = fingerprint };
    }

    private static void Download(CorpusSource source, string folder, IReadOnlyList<string> files, CorpusOptions options)
    {
        if (!options.AllowDownload)
        {
            throw Unavailable(source, folder, files, "Downloading is switched off.");
        }

        Fetch(source, folder, files, Downloader.Default(), options.Warn);
    }

    /// <summary>
    /// Downloads <paramref name="files"/> of <paramref name="source"/> into <paramref name="folder"/>, trying each
    /// mirror in turn until one serves the file with the pinned SHA-256 (or, where no hash is known, the pinned
    /// number of records). A file that fails its check is deleted, never kept.
    /// </summary>
    /// <exception cref="CorpusUnavailableException">No mirror served a file that passed; the message says what each one did.</exception>
    public static void Fetch(CorpusSource source, string folder, IEnumerable<string> files, Downloader downloader, Action<string>? warn = null)
    {
        foreach (var file in files)
        {
            var target = Path.Combine(folder, file);
            var pinned = source.Files[file];
            var expectation = new DownloadExpectation(
                Sha256: pinned.Sha256,
                MinBytes: (pinned.Rows ?? 0) * 10L + 1,
                Check: pinned.Rows is { } rows ? path => CheckRows(path, source, rows) : null);
            var failures = new List<string>();
            foreach (var mirror in source.Mirrors)
            {
                try
                {
                    downloader.FetchAsync(mirror.Address(file), target, expectation).GetAwaiter().GetResult();
                    warn?.Invoke($"downloaded {mirror.Address(file)} to {target}");
                    break;
                }
                catch (IOException e)
                {
                    // The downloader names the target path; the short reason keeps only what went wrong.
                    var cut = e.Message.IndexOf(target + ": ", StringComparison.Ordinal);
                    var repository = string.Join('/', mirror.Base.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Take(2));
                    failures.Add($"{mirror.Base.Host}/{repository}: " + (cut < 0 ? e.Message : e.Message[(cut + target.Length + 2)..]).TrimEnd('.'));
                }
            }

            if (failures.Count == source.Mirrors.Count)
            {
                throw Unavailable(source, folder, [file], $"Downloading {file} failed from every source: {string.Join("; ", failures)}.");
            }
        }
    }

    private static CorpusUnavailableException Unavailable(CorpusSource source, string folder, IReadOnlyList<string> files, string why) =>
        new($"{source.Title} is not in {folder}: it needs {string.Join(", ", files)}. {why} Download them from {source.Mirrors[0].Base} " +
            $"into that folder by hand, or point TEXTATTENTION_DATA at a folder that has {source.Folder}/.",
            source.Folder, source.Folder, why.TrimEnd('.'));

    /// <summary>Checks a file of a published corpus against its pinned SHA-256 (or, without one, its number of records).</summary>
    /// <exception cref="DataFormatException">The bytes differ; the message gives both hashes.</exception>
    /// <returns>The file's SHA-256, so the fingerprint need not read the file again.</returns>
    private static string Verify(CorpusSource source, string path)
    {
        var pinned = source.Files[Path.GetFileName(path)];
        var actual = Sha256Of(path);
        if (pinned.Sha256 is { } expected)
        {
            if (actual != expected)
            {
                throw new DataFormatException(path, 0,
                    $"this is not the published {source.Title} {pinned.Name}: its SHA-256 is {actual}, the published file's is {expected}. " +
                    $"The published definition uses exactly that file; delete this one to download it again, or load the corpus as it is (Available)");
            }
        }
        else if (pinned.Rows is { } rows)
        {
            CheckRows(path, source, rows);
        }

        return actual;
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>
    /// A short name for exactly this data: the corpus, the definition, the split seed and the SHA-256 of every
    /// file read, hashed. Results carry it, so two result files can be compared only when their data match.
    /// </summary>
    private static string Fingerprint(CorpusSource source, string folder, IEnumerable<string> files, CorpusOptions options, IReadOnlyDictionary<string, string> known)
    {
        var parts = source.WithClassFile(files).Where(f => File.Exists(Path.Combine(folder, f))).Order(StringComparer.Ordinal)
            .Select(f => $"{f}:{(known.TryGetValue(f, out var hash) ? hash : Sha256Of(Path.Combine(folder, f)))}");
        return Corpus.FingerprintOf($"{source.Folder}|seed {options.Seed}|{string.Join("|", parts)}{FoldMark(options)}");
    }

    /// <summary>The part of a fingerprint that names the fold, empty for the 80/10/10 split (so its fingerprints stay as they were).</summary>
    private static string FoldMark(CorpusOptions options) => options.Fold is { } fold ? $"|{fold}" : "";

    /// <summary>A corpus without a test split of its own: the fold of <see cref="CorpusOptions.Fold"/>, or 80/10/10; with how it was made, in words.</summary>
    private static (List<Example> Train, List<Example> Validation, List<Example> Test, string How) SplitBySeed(IReadOnlyList<Example> examples, CorpusOptions options)
    {
        if (options.Fold is { } fold)
        {
            var (train, validation, test) = Splits.Fold(examples, fold, options.Seed);
            return (train, validation, test, $"dealt into {fold.Count} folds, stratified, seed {options.Seed}: test is fold {fold.Index}, validation fold {(fold.Index + 1) % fold.Count}, " +
                                             $"training the other {fold.Count - 2} ({train.Count} / {validation.Count} / {test.Count})");
        }

        var (first, second, third) = Splits.Stratified(examples, 0.8, 0.1, options.Seed);
        return (first, second, third, $"split 80/10/10, stratified, seed {options.Seed} ({first.Count} / {second.Count} / {third.Count})");
    }

    private static IReadOnlyDictionary<string, SourceFile> Pinned(params SourceFile[] files) => files.ToDictionary(f => f.Name);

    private static void CheckRows(string path, CorpusSource source, int expected)
    {
        var rows = LabelledFile.ReadRecords(path, source.Layout).Count;
        if (rows != expected)
        {
            throw new DataFormatException(path, 0, $"has {rows.ToString("N0", CultureInfo.InvariantCulture)} records; {source.Title}'s has {expected.ToString("N0", CultureInfo.InvariantCulture)}");
        }
    }

    // AG News marks line breaks inside a field with a backslash ("...second\team...") and sometimes a literal "\n".
    private static string CleanAgNews(string text) =>
        text.Replace("\\n", " ", StringComparison.Ordinal).Replace('\\', ' ');

    private static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF';
}

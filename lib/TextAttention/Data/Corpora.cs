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
public sealed record CorpusOptions(
    string? DataDirectory = null,
    bool AllowDownload = true,
    int Seed = 2016,
    Action<string>? Warn = null,
    SyntheticOptions? Synthetic = null,
    LabelledFileLayout? Layout = null);

/// <summary>
/// The catalogue: <c>synthetic</c> (generated, works offline), <c>agnews</c> (AG News),
/// <c>thucnews</c> (THUCNews headlines), or the path of a labelled CSV/TSV file.
/// Real corpora are read from <c>&lt;data folder&gt;/agnews/</c> and <c>&lt;data folder&gt;/thucnews/</c>,
/// downloaded there when absent (and allowed). Where a corpus has its own splits they are used; a
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

    public static IReadOnlyList<string> Names { get; } = [Synthetic, AgNews, ThucNews];

    /// <summary>AG News (Zhang, Zhao and LeCun, 2015) as distributed with the character-CNN experiments.</summary>
    public static CorpusSource AgNewsSource { get; } = new(
        AgNews, "AG News", new Uri("https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/"),
        Train: ["train.csv"], Validation: [], Test: ["test.csv"], ClassFile: "classes.txt", FirstCode: 1,
        ExpectedRows: new Dictionary<string, int> { ["train.csv"] = 120_000, ["test.csv"] = 7_600 },
        DefaultClasses: ["World", "Sports", "Business", "Sci/Tech"],
        LabelledFileLayout.AgNews, Tokenizers.EnglishWords, CleanAgNews);

    /// <summary>The THUCNews headline subset of Chinese-Text-Classification-Pytorch: 10 classes, 180k/10k/10k.</summary>
    public static CorpusSource ThucNewsSource { get; } = new(
        ThucNews, "THUCNews headlines", new Uri("https://raw.githubusercontent.com/649453932/Chinese-Text-Classification-Pytorch/master/THUCNews/data/"),
        Train: ["train.txt"], Validation: ["dev.txt"], Test: ["test.txt"], ClassFile: "class.txt", FirstCode: 0,
        ExpectedRows: new Dictionary<string, int> { ["train.txt"] = 180_000, ["dev.txt"] = 10_000, ["test.txt"] = 10_000 },
        DefaultClasses: ["finance", "realty", "stocks", "education", "science", "society", "politics", "sports", "game", "entertainment"],
        LabelledFileLayout.ThucNews, Tokenizers.ChineseCharacters, null);

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
        return nameOrPath switch
        {
            Synthetic => SyntheticCorpus.Generate(o.Synthetic),
            AgNews => LoadReal(AgNewsSource, o),
            ThucNews => LoadReal(ThucNewsSource, o),
            _ when File.Exists(nameOrPath) || nameOrPath.Contains('/') || nameOrPath.Contains('.') => LoadFile(nameOrPath, o),
            _ => throw new ArgumentException($"'{nameOrPath}' is neither a corpus ({string.Join(", ", Names)}) nor a file."),
        };
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
        switch (dataset)
        {
            case AgNews:
                return LabelledFile.Read(full, AgNewsSource.Layout, new LabelSet(classNames, AgNewsSource.FirstCode), report, AgNewsSource.Clean);
            case ThucNews:
                return LabelledFile.Read(full, ThucNewsSource.Layout, new LabelSet(classNames, ThucNewsSource.FirstCode), report);
            default:
                var delimiter = Path.GetExtension(full).ToLowerInvariant() is ".tsv" or ".txt" ? '\t' : ',';
                var layout = new LabelledFileLayout(delimiter, Quoted: delimiter == ',', Header: true, ["text"], "label");
                var firstCode = classNames.All(n => int.TryParse(n, out _)) ? int.Parse(classNames[0], CultureInfo.InvariantCulture) : 0;
                return LabelledFile.Read(full, layout, new LabelSet(classNames, firstCode), report);
        }
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
        var examples = LabelledFile.Read(full, layout, labels, options.Warn ?? (_ => { }));
        var (train, validation, test) = Splits.Stratified(examples, 0.8, 0.1, options.Seed);
        var chinese = examples.Take(200).Sum(e => e.Text.Count(IsCjk)) > examples.Take(200).Sum(e => e.Text.Length) / 3;
        return new Corpus(Path.GetFileNameWithoutExtension(full), labels.Names, chinese ? Tokenizers.ChineseCharacters : Tokenizers.EnglishWords,
            train, validation, test, [$"{Path.GetFileName(full)}: {examples.Count} examples split 80/10/10, stratified, seed {options.Seed}"]);
    }

    private static Corpus LoadReal(CorpusSource source, CorpusOptions options)
    {
        var folder = Path.Combine(DataDirectory(options, source.Folder), source.Folder);
        var all = source.Train.Concat(source.Validation).Concat(source.Test).ToArray();
        var present = all.Where(f => File.Exists(Path.Combine(folder, f))).ToArray();
        var warn = options.Warn ?? (_ => { });
        if (present.Length == 0)
        {
            Download(source, folder, options);
            present = all;
        }

        var classFile = Path.Combine(folder, source.ClassFile);
        var labels = File.Exists(classFile) ? LabelSet.FromFile(classFile, source.FirstCode) : new LabelSet(source.DefaultClasses, source.FirstCode);
        List<Example> Read(IEnumerable<string> files) =>
            files.SelectMany(f => LabelledFile.Read(Path.Combine(folder, f), source.Layout, labels, warn, source.Clean)).ToList();

        var notes = new List<string>();
        List<Example> train, validation, test;
        var hasTrain = source.Train.All(present.Contains);
        var hasValidation = source.Validation.Length > 0 && source.Validation.All(present.Contains);
        var hasTest = source.Test.All(present.Contains);
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
            (train, validation, test) = Splits.Stratified(Read(present), 0.8, 0.1, options.Seed);
            var missing = all.Except(present);
            notes.Add($"{source.Title}: only {string.Join(", ", present)} in the data folder's {source.Folder}/ (no {string.Join(", ", missing)}); " +
                      $"its {train.Count + validation.Count + test.Count} examples split 80/10/10, stratified, seed {options.Seed}");
        }

        foreach (var note in notes)
        {
            warn(note);
        }

        return new Corpus(source.Folder, labels.Names, source.TokenizerName, train, validation, test, notes);
    }

    private static void Download(CorpusSource source, string folder, CorpusOptions options)
    {
        var files = source.Train.Concat(source.Validation).Concat(source.Test).Append(source.ClassFile).ToArray();
        string Missing(string why) =>
            $"{source.Title} is not in {folder}: it needs {string.Join(", ", files)} (any one of the data files is enough for a smaller split). " +
            $"{why} Download them from {source.BaseUrl} into that folder by hand, or point TEXTATTENTION_DATA at a folder that has {source.Folder}/.";
        CorpusUnavailableException Unavailable(string why, Exception? inner = null) =>
            new(Missing(why), source.Folder, source.Folder, why.TrimEnd('.'), inner);
        if (!options.AllowDownload)
        {
            throw Unavailable("Downloading is switched off.");
        }

        var downloader = Downloader.Default();
        foreach (var file in files)
        {
            var target = Path.Combine(folder, file);
            var expectation = source.ExpectedRows.TryGetValue(file, out var rows)
                ? new DownloadExpectation(MinBytes: rows * 10L, Check: path => CheckRows(path, source, rows))
                : new DownloadExpectation();
            try
            {
                downloader.FetchAsync(new Uri(source.BaseUrl, file), target, expectation).GetAwaiter().GetResult();
                options.Warn?.Invoke($"downloaded {new Uri(source.BaseUrl, file)} to {target}");
            }
            catch (IOException e)
            {
                // The downloader names the target path; the short reason keeps only what went wrong.
                var cut = e.Message.IndexOf(target + ": ", StringComparison.Ordinal);
                var detail = cut < 0 ? e.Message : e.Message[(cut + target.Length + 2)..];
                throw Unavailable($"Downloading {file} from {source.BaseUrl.Host} failed: {detail.TrimEnd('.')}.", e);
            }
        }
    }

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

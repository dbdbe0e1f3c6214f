using TextAttention.IO;
using TextAttention.Data;

namespace TextAttention.Tests.Data;

public sealed class CorpusTests
{
    private static CorpusOptions Offline(string folder) => new(DataDirectory: folder, AllowDownload: false);

    // A small AG News test.csv: 10 rows per class.
    private static string AgNewsFolder(bool withTrain)
    {
        var folder = Files.Folder();
        string Rows(int count) => string.Concat(Enumerable.Range(0, count).Select(i => $"\"{i % 4 + 1}\",\"title {i}\",\"first line\\second line\"\n"));
        Files.Write(Rows(40), Path.Combine("agnews", "test.csv"), folder);
        if (withTrain)
        {
            Files.Write(Rows(200), Path.Combine("agnews", "train.csv"), folder);
        }

        return folder;
    }

    [Fact]
    public void AG_News_with_its_own_splits_takes_validation_from_train()
    {
        var corpus = Corpora.Load("agnews", Offline(AgNewsFolder(withTrain: true)));

        Assert.Equal((180, 20, 40), (corpus.Train.Count, corpus.Validation.Count, corpus.Test.Count));
        Assert.Equal(["World", "Sports", "Business", "Sci/Tech"], corpus.ClassNames);
        Assert.Equal("title 0 first line second line", corpus.Test[0].Text);   // the backslash line mark is a space
    }

    [Fact]
    public void AG_News_with_only_its_test_file_is_split_stratified_and_says_so()
    {
        var notes = new List<string>();
        var corpus = Corpora.Load("agnews", Offline(AgNewsFolder(withTrain: false)) with { Warn = notes.Add });

        Assert.Equal((32, 4, 4), (corpus.Train.Count, corpus.Validation.Count, corpus.Test.Count));
        Assert.All(Enumerable.Range(0, 4), c => Assert.Equal(8, corpus.Train.Count(e => e.Label == c)));
        Assert.Contains("only test.csv", Assert.Single(notes));
    }

    [Fact]
    public void THUCNews_without_its_training_file_trains_on_dev_and_tests_on_its_own_test_split()
    {
        var folder = Files.Folder();
        string Rows(int count, string prefix) => string.Concat(Enumerable.Range(0, count).Select(i => $"{prefix}标题{i}\t{i % 2}\n"));
        Files.Write(Rows(40, "开发"), Path.Combine("thucnews", "dev.txt"), folder);
        Files.Write(Rows(12, "测试"), Path.Combine("thucnews", "test.txt"), folder);

        var corpus = Corpora.Load("thucnews", Offline(folder));

        Assert.Equal((36, 4, 12), (corpus.Train.Count, corpus.Validation.Count, corpus.Test.Count));
        Assert.All(corpus.Test, e => Assert.StartsWith("测试", e.Text));
        Assert.All(corpus.Train.Concat(corpus.Validation), e => Assert.StartsWith("开发", e.Text));
        Assert.Equal(2, corpus.Validation.Count(e => e.Label == 0));   // stratified
        Assert.Contains("split 90/10 into train and validation", Assert.Single(corpus.Notes));
    }

    [Fact]
    public void Splits_repeat_for_a_seed_and_change_with_it()
    {
        var folder = AgNewsFolder(withTrain: false);

        var a = Corpora.Load("agnews", Offline(folder) with { Seed = 1 });
        var b = Corpora.Load("agnews", Offline(folder) with { Seed = 1 });
        var c = Corpora.Load("agnews", Offline(folder) with { Seed = 2 });

        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Test, c.Test);
    }

    [Fact]
    public void A_missing_corpus_offline_says_what_to_put_where()
    {
        var folder = Files.Folder();

        var error = Assert.Throws<CorpusUnavailableException>(() => Corpora.Load("thucnews", Offline(folder)));

        Assert.Contains(Path.Combine(folder, "thucnews"), error.Message);
        Assert.Contains("train.txt, dev.txt, test.txt, class.txt", error.Message);
        Assert.Contains("https://raw.githubusercontent.com/649453932/Chinese-Text-Classification-Pytorch/6cb26819af7b646275aff8a4693676f2849e67f6/THUCNews/data/", error.Message);
        Assert.Contains("TEXTATTENTION_DATA", error.Message);
        // The short form, for summaries and committed outputs, names no path of this machine.
        Assert.Equal(("thucnews", "thucnews", "Downloading is switched off"), (error.Corpus, error.Folder, error.Reason));
    }

    [Fact]
    public void A_user_file_with_named_columns_and_named_labels_loads()
    {
        var rows = string.Concat(Enumerable.Range(0, 30).Select(i => $"{(i % 2 == 0 ? "pos" : "neg")},\"text number {i}, with a comma\"\n"));
        var path = Files.Write("label,text\n" + rows, "reviews.csv");

        var corpus = Corpora.Load(path, new CorpusOptions());

        Assert.Equal(["neg", "pos"], corpus.ClassNames);
        Assert.Equal(30, corpus.Train.Count + corpus.Validation.Count + corpus.Test.Count);
        Assert.Equal("english-words", corpus.TokenizerName);
        Assert.Contains(corpus.Train, e => e.Text == "text number 0, with a comma" && e.Label == 1);
    }

    [Fact]
    public void A_chinese_user_file_gets_the_character_tokenizer()
    {
        var path = Files.Write("text\tlabel\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"港股缩量回调{i}\t{i % 2}\n")), "headlines.tsv");

        Assert.Equal("chinese-chars", Corpora.Load(path, new CorpusOptions()).TokenizerName);
    }

    [Fact]
    public void Integer_labels_must_run_without_gaps()
    {
        var path = Files.Write("text,label\na,0\nb,2\n", "gaps.csv");

        var error = Assert.Throws<DataFormatException>(() => Corpora.Load(path, new CorpusOptions()));

        Assert.Contains("without gaps from 0 or 1; found 0, 2", error.Problem);
    }

    [Fact]
    public void The_shared_corpora_load_through_the_data_folder_setting()
    {
        var shared = Environment.GetEnvironmentVariable("TEXTATTENTION_DATA");
        if (shared is null || !File.Exists(Path.Combine(shared, "agnews", "test.csv")))
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI points TEXTATTENTION_DATA at ../shared/data");
            return;
        }

        var agnews = Corpora.Load("agnews", new CorpusOptions(Repository.DataFolder, AllowDownload: false));
        var thucnews = Corpora.Load("thucnews", new CorpusOptions(Repository.DataFolder, AllowDownload: false));

        // AG News: only the 7,600-row test.csv, divided 80/10/10.
        Assert.Equal((6_080, 760, 760), (agnews.Train.Count, agnews.Validation.Count, agnews.Test.Count));
        // THUCNews: dev.txt divided 90/10 into train and validation; the official test.txt is the test split.
        Assert.Equal((9_000, 1_000, 10_000), (thucnews.Train.Count, thucnews.Validation.Count, thucnews.Test.Count));
        Assert.Contains(thucnews.Notes, n => n.Contains("test is its own test.txt (10000 examples)"));

        // The published definition reads the same files here, checked against their hashes, so it is the same data.
        var published = Corpora.Load("thucnews", new CorpusOptions(Repository.DataFolder, AllowDownload: false, Definition: CorpusDefinition.Published));
        Assert.Equal(thucnews.Fingerprint, published.Fingerprint);
        Assert.Equal(thucnews.Test, published.Test);
        Assert.Equal(12, agnews.Fingerprint.Length);
        Assert.Equal(10, thucnews.ClassNames.Count);
        Assert.Equal("finance", thucnews.ClassNames[0]);
    }

    [Fact]
    public void The_published_definition_refuses_a_file_whose_bytes_differ_and_names_both_hashes()
    {
        var folder = Files.Folder();
        var dev = Files.Write("标题\t0\n", Path.Combine("thucnews", "dev.txt"), folder);
        Files.Write("标题\t1\n", Path.Combine("thucnews", "test.txt"), folder);
        Files.Write(string.Join('\n', Corpora.ThucNewsSource.DefaultClasses), Path.Combine("thucnews", "class.txt"), folder);

        var error = Assert.Throws<DataFormatException>(() =>
            Corpora.Load("thucnews", Offline(folder) with { Definition = CorpusDefinition.Published }));

        Assert.Equal(dev, error.FilePath);
        Assert.Contains("this is not the published THUCNews headlines dev.txt", error.Message);
        Assert.Contains($"its SHA-256 is {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(dev)))}", error.Message);
        Assert.Contains("the published file's is 6ed73aa2c57ee1560c8f76570d48735c4b1c29ae4983fe3523d56e115813e175", error.Message);
        // The same folder still loads as it is, for exploring.
        Assert.Single(Corpora.Load("thucnews", Offline(folder)).Test);
    }

    [Fact]
    public void The_published_definition_ignores_other_files_in_the_folder()
    {
        var shared = Path.Combine(Repository.DataFolder, "thucnews");
        if (!File.Exists(Path.Combine(shared, "test.txt")))
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI points TEXTATTENTION_DATA at ../shared/data");
            return;
        }

        var folder = Files.Folder();
        Directory.CreateDirectory(Path.Combine(folder, "thucnews"));
        foreach (var file in new[] { "dev.txt", "test.txt", "class.txt" })
        {
            File.Copy(Path.Combine(shared, file), Path.Combine(folder, "thucnews", file));
        }

        var before = Corpora.Load("thucnews", Offline(folder) with { Definition = CorpusDefinition.Published });
        File.WriteAllText(Path.Combine(folder, "thucnews", "train.txt"), "多出来的训练数据\t3\n");   // a train.txt appears
        var after = Corpora.Load("thucnews", Offline(folder) with { Definition = CorpusDefinition.Published });
        var available = Corpora.Load("thucnews", Offline(folder));

        Assert.Equal(before.Fingerprint, after.Fingerprint);
        Assert.Equal(before.Train, after.Train);
        Assert.Equal((9_000, 1_000, 10_000), (after.Train.Count, after.Validation.Count, after.Test.Count));
        Assert.NotEqual(before.Fingerprint, available.Fingerprint);   // the folder as it is now uses train.txt
        Assert.Single(available.Train);   // with train.txt present, "available" takes the official splits
    }
}

namespace TextAttention.Data;

/// <summary>Where a published corpus comes from and how its files look: the recipe <see cref="Corpora"/> loads it by.</summary>
public sealed record CorpusSource(
    string Folder,
    string Title,
    Uri BaseUrl,
    string[] Train,
    string[] Validation,
    string[] Test,
    string ClassFile,
    int FirstCode,
    IReadOnlyDictionary<string, int> ExpectedRows,
    IReadOnlyList<string> DefaultClasses,
    LabelledFileLayout Layout,
    string TokenizerName,
    Func<string, string>? Clean);

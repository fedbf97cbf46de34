namespace MiniNet.Examples;

/// <summary>Where the examples find the data that ships with the repository.</summary>
internal static class ExamplePaths
{
    /// <summary>
    /// <c>examples/data</c> of this repository: found from the program's own location (bin/… inside the
    /// example's folder), so an example runs from any working directory.
    /// </summary>
    public static string ShippedData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "data");
            if (File.Exists(Path.Combine(dir.FullName, "MiniNet.sln")) && Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"Cannot find the shipped data (examples/data) above {AppContext.BaseDirectory}; pass --data DIR with IDX files.");
    }
}

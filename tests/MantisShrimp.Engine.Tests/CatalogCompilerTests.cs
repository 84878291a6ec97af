using MantisShrimp.Engine.Spectroscopy;
using MantisShrimp.Engine.Fits;

namespace MantisShrimp.Engine.Tests;

public class CatalogCompilerTests
{
    [Fact]
    public void Cuts_footprint_duplicates_and_malformed_rows_are_counted_exactly()
    {
        using var tmp = new TempDir();
        // SDSS CasJobs CSV: unset z_person/z_noqso as empty, 0 and -9999; every cut represented.
        File.WriteAllLines(tmp.File("sdss.csv"),
        [
            "# CasJobs export",
            "specObjID,ra,dec,z,zWarning,class,z_noqso,z_person",
            "1,10.0,5.0,0.10,0,GALAXY,,",            // accepted, z = 0.10
            "2,10.1,5.0,0.20,0,GALAXY,0.25,-9999",    // accepted, z_noqso = 0.25
            "3,10.2,5.0,0.30,0,GALAXY,0,0.31",        // accepted, z_person = 0.31
            "4,10.3,5.0,0.30,4,GALAXY,,",            // zWarning
            "5,10.4,5.0,0.30,0,QSO,,",               // class
            "6,10.5,-40.0,0.30,0,GALAXY,,",          // footprint
            "7,10.6,5.0,1.70,0,GALAXY,,",            // z range
            "8,abc,5.0,0.30,0,GALAXY,,",             // malformed
            "9,20.0,-10.0,0.50,0,GALAXY,,",          // accepted; duplicated by DESI below (DESI wins)
        ]);
        // DESI zcatalog as a FITS table, with a repeated TARGETID.
        FitsWriter.WriteFile(tmp.File("desi.fits"), w => w.WriteTable(
        [
            new FitsTableColumn("TARGETID", 'K', 1, new long[] { 100, 101, 100, 102 }),
            new FitsTableColumn("TARGET_RA", 'D', 1, new[] { 20.0 + 0.5 / 3600, 30.0, 30.0, 31.0 }),
            new FitsTableColumn("TARGET_DEC", 'D', 1, new[] { -10.0, 1.0, 1.0, 1.0 }),
            new FitsTableColumn("Z", 'D', 1, new[] { 0.501, 0.8, 0.8, 0.9 }),
            new FitsTableColumn("ZWARN", 'J', 1, new[] { 0, 0, 0, 4 }),
            new FitsTableColumn("SPECTYPE", 'A', 6, new[] { "GALAXY", "GALAXY", "GALAXY", "GALAXY" }),
        ], extname: "ZCATALOG"));
        File.WriteAllLines(tmp.File("gama.csv"), ["CATAID,RA,DEC,Z,NQ", "7,150,1,0.2,4", "7,150.1,1,0.2,4", "8,150.2,1,0.2,2"]);
        File.WriteAllLines(tmp.File("wigglez.csv"),
            ["WiggleZ_Name,RA,Dec,Redshift,Q", "W1,200,2,0.6,5", "W2,200.1,2,0.6,3", "W3,30.0,1.0001,0.8,4"]);

        var summary = CatalogCompiler.Run([("sdss", tmp.File("sdss.csv")), ("desi", tmp.File("desi.fits")), ("gama", tmp.File("gama.csv")),
            ("wigglez", tmp.File("wigglez.csv"))],
            tmp.File("catalog.csv"));
        var s = summary.ToDictionary(x => x.Survey);
        Assert.Equal(["desi", "sdss", "gama", "wigglez"], summary.Select(x => x.Survey));
        Assert.Equal((4, 2, 0), (s["desi"].Available, s["desi"].Accepted, s["desi"].Duplicates));
        Assert.Equal(1, s["desi"].Rejected["ZWARN != 0"]);
        Assert.Equal(1, s["desi"].Rejected["repeated TARGETID"]);
        Assert.Equal((9, 3, 1), (s["sdss"].Available, s["sdss"].Accepted, s["sdss"].Duplicates));
        Assert.Equal(1, s["sdss"].Rejected["zWarning != 0"]);
        Assert.Equal(1, s["sdss"].Rejected["class != GALAXY"]);
        Assert.Equal(1, s["sdss"].Rejected["outside the PS1 footprint (Dec < -30)"]);
        Assert.Equal(1, s["sdss"].Rejected["z outside (0, 1.6)"]);
        Assert.Equal(1, s["sdss"].Rejected["malformed: ra/dec"]);
        Assert.Equal((3, 1), (s["gama"].Available, s["gama"].Accepted));
        Assert.Equal(1, s["gama"].Rejected["repeated CATAID"]);
        Assert.Equal(1, s["gama"].Rejected["NQ < 3"]);
        Assert.Equal((3, 1, 1), (s["wigglez"].Available, s["wigglez"].Accepted, s["wigglez"].Duplicates)); // W3 is 0.36″ from DESI 101

        var lines = File.ReadAllLines(tmp.File("catalog.csv"));
        Assert.Equal("id,ra,dec,z,survey,survey_id,quality", lines[0]);
        Assert.Equal(1 + 2 + 3 + 1 + 1, lines.Length);
        Assert.StartsWith("desi_100,", lines[1]);
        var sdssZ = lines.Where(l => l.StartsWith("sdss_")).Select(l => double.Parse(l.Split(',')[3])).ToArray();
        Assert.Equal([0.10, 0.25, 0.31], sdssZ);
        Assert.Contains("sdss_9,desi_100", File.ReadAllText(tmp.File("catalog.duplicates.csv")));
        // The output is a valid ingest catalog apart from the E(B-V) columns (added with --dust).
        Assert.All(lines.Skip(1), l => Assert.True(Data.InputCatalog.IsSafeName(l.Split(',')[0])));
    }

    [Fact]
    public void Deep2_vipers_vvds_and_6df_tables_are_cut_and_counted_exactly()
    {
        using var tmp = new TempDir();
        // DEEP2 zcat as a FITS table (OBJNO, RA, DEC, ZBEST, ZQUALITY, CLASS).
        FitsWriter.WriteFile(tmp.File("deep2.fits"), w => w.WriteTable(
        [
            new FitsTableColumn("OBJNO", 'K', 1, new long[] { 11, 12, 13, 14, 15 }),
            new FitsTableColumn("RA", 'D', 1, new[] { 214.0, 214.1, 214.2, 214.3, 214.4 }),
            new FitsTableColumn("DEC", 'D', 1, new[] { 52.0, 52.0, 52.0, 52.0, 52.0 }),
            new FitsTableColumn("ZBEST", 'E', 1, new[] { 0.9f, 1.1f, 0.7f, 0.8f, 1.7f }),
            new FitsTableColumn("ZQUALITY", 'J', 1, new[] { 4, 3, 2, 4, 4 }),
            new FitsTableColumn("CLASS", 'A', 6, new[] { "GALAXY", "GALAXY", "GALAXY", "STAR", "GALAXY" }),
        ], extname: "ZCAT"));
        // VIPERS PDR-2 (num, alpha, delta, zspec, zflg, classFlag): flags 2–4.x with classFlag 0/1 pass.
        File.WriteAllLines(tmp.File("vipers.csv"),
        [
            "num,alpha,delta,zspec,zflg,classFlag",
            "101,30.0,-5.0,0.6,2.5,0",   // accepted
            "102,30.1,-5.0,0.7,4.2,1",   // accepted
            "103,30.2,-5.0,0.7,5.0,0",   // zflg 5 is excluded
            "104,30.3,-5.0,0.7,1.5,0",   // zflg < 2
            "105,30.4,-5.0,0.7,3.0,-1",  // classFlag
            "106,30.5,-5.0,x,3.0,0",     // malformed z
            "107,36.0,-4.5,0.9,3.0,0",   // accepted; VVDS 204 lies 0.5″ away (VIPERS wins)
        ]);
        // VVDS (NUM, ALPHA, DELTA, Z, ZFLAGS): flags 3 or 4.
        File.WriteAllLines(tmp.File("vvds.csv"),
        [
            "NUM,ALPHA,DELTA,Z,ZFLAGS",
            "201,150.0,2.0,0.5,3",
            "202,150.1,2.0,0.5,2",
            "203,150.2,2.0,0.5,9",
            $"204,{36.0 + 0.5 / 3600 / Math.Cos(4.5 * Math.PI / 180)},-4.5,0.9,4",
        ]);
        // 6dFGS (TARGETNAME, RA, DEC, Z, QUALITY): quality 3 or 4; the south is outside PS1.
        File.WriteAllLines(tmp.File("6df.csv"),
        [
            "TARGETNAME,RA,DEC,Z,QUALITY",
            "g0001,10.0,-20.0,0.05,4",
            "g0002,10.1,-20.0,0.05,2",
            "g0003,10.2,-45.0,0.05,4",
            "g0004,10.3,-20.0,0.05",     // malformed: short row
        ]);
        var summary = CatalogCompiler.Run([("deep2", tmp.File("deep2.fits")), ("vipers", tmp.File("vipers.csv")),
            ("vvds", tmp.File("vvds.csv")), ("6df", tmp.File("6df.csv"))],
            tmp.File("catalog.csv"));
        var s = summary.ToDictionary(x => x.Survey);
        Assert.Equal((5, 2), (s["deep2"].Available, s["deep2"].Accepted));
        Assert.Equal(1, s["deep2"].Rejected["ZQUALITY <= 2"]);
        Assert.Equal(1, s["deep2"].Rejected["CLASS != GALAXY"]);
        Assert.Equal(1, s["deep2"].Rejected["z outside (0, 1.6)"]);
        Assert.Equal((7, 3, 0), (s["vipers"].Available, s["vipers"].Accepted, s["vipers"].Duplicates));
        Assert.Equal(2, s["vipers"].Rejected["zflg not in [2, 5)"]);
        Assert.Equal(1, s["vipers"].Rejected["classFlag not 0 or 1"]);
        Assert.Equal(1, s["vipers"].Rejected.Where(kv => kv.Key.StartsWith("malformed")).Sum(kv => kv.Value));
        Assert.Equal((4, 1, 1), (s["vvds"].Available, s["vvds"].Accepted, s["vvds"].Duplicates)); // 204 is kept as VIPERS 107
        Assert.Equal(2, s["vvds"].Rejected["ZFLAGS not 3 or 4"]);
        Assert.Equal((4, 1), (s["6df"].Available, s["6df"].Accepted));
        Assert.Equal(1, s["6df"].Rejected["QUALITY not 3 or 4"]);
        Assert.Equal(1, s["6df"].Rejected["outside the PS1 footprint (Dec < -30)"]);
        Assert.Equal(1, s["6df"].Rejected.Where(kv => kv.Key.StartsWith("malformed")).Sum(kv => kv.Value));
        var lines = File.ReadAllLines(tmp.File("catalog.csv"));
        Assert.Equal(1 + 2 + 3 + 1 + 1, lines.Length);
        Assert.Contains("vvds_204,vipers_107", File.ReadAllText(tmp.File("catalog.duplicates.csv")));
        Assert.Contains(lines, l => l.StartsWith("deep2_11,") && l.Contains(",0.9,"));
    }

    [Fact]
    public void Dust_columns_come_from_the_maps()
    {
        using var tmp = new TempDir();
        var maps = Simulation.DustSky.WriteMaps(tmp.File("dust"), 16);
        File.WriteAllLines(tmp.File("g.csv"), ["CATAID,RA,DEC,Z,NQ", "1,150,1,0.2,4"]);
        CatalogCompiler.Run([("gama", tmp.File("g.csv"))], tmp.File("c.csv"), tmp.File("dust"));
        var lines = File.ReadAllLines(tmp.File("c.csv"));
        Assert.EndsWith(",ebv_csfd,ebv_planck", lines[0]);
        var f = lines[1].Split(',');
        Assert.Equal(maps.At(150, 1).Csfd, double.Parse(f[7]), 6);
    }

    [Fact]
    public void Unknown_survey_and_missing_file_are_user_errors()
    {
        using var tmp = new TempDir();
        Assert.Throws<Common.UserInputException>(() => CatalogCompiler.Run([("hubble", "x.csv")], tmp.File("c.csv")));
        Assert.Throws<Common.UserInputException>(() => CatalogCompiler.Run([("sdss", tmp.File("none.csv"))], tmp.File("c.csv")));
    }
}

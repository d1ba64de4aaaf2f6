"""The published works each importer's source asks to be cited (its `Source.references`).

Authors, years, journals, volumes, issues, pages and DOIs are those of the publications (the
producers' own citation requests, ``../shared/data/SOURCES.md`` and peacesciencer's bibliography);
a field not known for certain is left out. Dataset releases without a publication are cited as
datasets with their producer as author. The COW state system's release is `sources.COW_STATES_2016`
(the bundled state list cites it too).
"""

from __future__ import annotations

from legation.ledger.references import Reference

PEACESCIENCER = Reference(
    kind="article",
    authors=("Miller, Steven V.",),
    year=2022,
    title="peacesciencer: An R Package for Quantitative Peace Science Research",
    journal="Conflict Management and Peace Science",
    volume="39",
    number="6",
    pages="755-779",
    doi="10.1177/07388942221077926",
)

ATOP = Reference(
    kind="article",
    authors=(
        "Leeds, Brett Ashley",
        "Ritter, Jeffrey M.",
        "Mitchell, Sara McLaughlin",
        "Long, Andrew G.",
    ),
    year=2002,
    title="Alliance Treaty Obligations and Provisions, 1815-1944",
    journal="International Interactions",
    volume="28",
    number="3",
    pages="237-260",
    doi="10.1080/03050620213653",
)

NMC_1972 = Reference(
    kind="incollection",
    authors=("Singer, J. David", "Bremer, Stuart", "Stuckey, John"),
    year=1972,
    title="Capability Distribution, Uncertainty, and Major Power War, 1820-1965",
    booktitle="Peace, War, and Numbers",
    editors=("Russett, Bruce",),
    pages="19-48",
    publisher="Sage",
    address="Beverly Hills",
)

NMC_1987 = Reference(
    kind="article",
    authors=("Singer, J. David",),
    year=1987,
    title="Reconstructing the Correlates of War Dataset on Material Capabilities of States, 1816-1985",
    journal="International Interactions",
    volume="14",
    pages="115-132",
)

IGO_3 = Reference(
    kind="article",
    authors=(
        "Pevehouse, Jon C. W.",
        "Nordstrom, Timothy",
        "McManus, Roseanne W.",
        "Jamison, Anne Spencer",
    ),
    year=2020,
    title="Tracking Organizations in the World: The Correlates of War IGO Version 3.0 Datasets",
    journal="Journal of Peace Research",
    volume="57",
    number="3",
    pages="492-503",
    doi="10.1177/0022343319881175",
)

CONTIGUITY_3 = Reference(
    kind="article",
    authors=(
        "Stinnett, Douglas M.",
        "Tir, Jaroslav",
        "Schafer, Philip",
        "Diehl, Paul F.",
        "Gochman, Charles",
    ),
    year=2002,
    title="The Correlates of War Project Direct Contiguity Data, Version 3",
    journal="Conflict Management and Peace Science",
    volume="19",
    number="2",
    pages="58-66",
)

CSHAPES_2 = Reference(
    kind="article",
    authors=(
        "Schvitz, Guy",
        "Girardin, Luc",
        "Rüegger, Seraina",
        "Weidmann, Nils B.",
        "Cederman, Lars-Erik",
        "Gleditsch, Kristian Skrede",
    ),
    year=2022,
    title="Mapping the International System, 1886-2019: The CShapes 2.0 Dataset",
    journal="Journal of Conflict Resolution",
    volume="66",
    number="1",
    pages="144-161",
    doi="10.1177/00220027211013563",
)

RIVALRIES_TD = Reference(
    kind="book",
    authors=("Thompson, William R.", "Dreyer, David R."),
    year=2012,
    title="Handbook of International Rivalries, 1494-2010",
    publisher="CQ Press",
    address="Washington, DC",
)

RIVALRIES_TSS = Reference(
    kind="book",
    authors=("Thompson, William R.", "Sakuwa, Kentaro", "Suhas, Prashant Hosur"),
    year=2022,
    title="Analyzing Strategic Rivalries in World Politics",
    publisher="Springer",
    address="Singapore",
)

GLEDITSCH_WARD = Reference(
    kind="article",
    authors=("Gleditsch, Kristian S.", "Ward, Michael D."),
    year=1999,
    title="A Revised List of Independent States since the Congress of Vienna",
    journal="International Interactions",
    volume="25",
    number="4",
    pages="393-413",
    doi="10.1080/03050629908434958",
)

ICEWS = Reference(
    kind="dataset",
    authors=(
        "Boschee, Elizabeth",
        "Lautenschlager, Jennifer",
        "O'Brien, Sean",
        "Shellman, Steve",
        "Starz, James",
        "Ward, Michael",
    ),
    year=2015,
    title="ICEWS Coded Event Data",
    publisher="Harvard Dataverse",
    doi="10.7910/DVN/28075",
)

GDELT_1 = Reference(
    kind="inproceedings",
    authors=("Leetaru, Kalev", "Schrodt, Philip A."),
    year=2013,
    title="GDELT: Global Data on Events, Location and Tone, 1979-2012",
    booktitle="ISA Annual Convention",
)

GDELT_2 = Reference(
    kind="dataset",
    authors=("Leetaru, Kalev",),
    year=2015,
    title="GDELT 2.0 Event Database",
    publisher="The GDELT Project",
    url="https://www.gdeltproject.org/",
)

MME = Reference(
    kind="dataset",
    authors=("D'Orazio, Vito", "Galambos, Kevin"),
    year=2021,
    title="Multinational Military Exercises, 1980-2010",
    publisher="Harvard Dataverse",
    version="V1",
    doi="10.7910/DVN/KHFODX",
)

JME = Reference(
    kind="dataset",
    authors=("D'Orazio, Vito",),
    title="Joint Military Exercises",
    version="3",
    note="coder sheet jme_v3.xls, distributed in the troopdata R package",
    url="https://github.com/meflynn/troopdata",
)

TROOPDATA = Reference(
    kind="article",
    authors=("Allen, Michael A.", "Flynn, Michael E.", "Martinez Machain, Carla"),
    year=2022,
    title="US Global Military Deployments, 1950-2020",
    journal="Conflict Management and Peace Science",
    volume="39",
    number="3",
    pages="351-370",
    doi="10.1177/07388942211030885",
)

KANE = Reference(
    kind="techreport",
    authors=("Kane, Tim",),
    title="Global U.S. Troop Deployment, 1950-2003",
    institution="The Heritage Foundation",
)

BASE_NATION = Reference(
    kind="book",
    authors=("Vine, David",),
    year=2015,
    title="Base Nation: How U.S. Military Bases Abroad Harm America and the World",
    publisher="Metropolitan Books",
    address="New York",
)

US_VISITS = Reference(
    kind="dataset",
    authors=("Allen, Michael A.", "Flynn, Michael E.", "Martinez Machain, Carla"),
    title="Visits Abroad by US Service Secretaries and Combatant Commanders (visits.xls)",
    note="in the troopdata R package, commit 3946bcf; undocumented in the repository",
    url="https://github.com/meflynn/troopdata",
)

IPI = Reference(
    kind="dataset",
    authors=("International Peace Institute",),
    title="Providing for Peacekeeping Database",
    note="compiled from UN DPKO monthly contribution reports",
    url="https://github.com/IPIDataLab/PPP_Loader",
)

IPI_2013 = Reference(
    kind="techreport",
    authors=("Perry, Chris", "Smith, Adam C."),
    year=2013,
    title="Trends in Uniformed Contributions to UN Peacekeeping: A New Dataset, 1991-2012",
    institution="International Peace Institute",
    address="New York",
)

SIGNALS = Reference(
    kind="article",
    authors=("McManus, Roseanne W.", "Nieman, Mark David"),
    year=2019,
    title="Identifying the Level of Major Power Support Signaled for Protégés: A Latent Measure Approach",
    journal="Journal of Peace Research",
    volume="56",
    number="3",
)

SIPRI_ARMS = Reference(
    kind="dataset",
    authors=("Stockholm International Peace Research Institute",),
    title="SIPRI Arms Transfers Database",
    url="https://www.sipri.org/databases/armstransfers",
    key="sipriarmstransfers",
)

SIPRI_360INFO = Reference(
    kind="dataset",
    authors=("360info",),
    title="report-arms-trade: SIPRI Arms Exports, Processed (data/sipri-exports-processed.csv)",
    url="https://github.com/360-info/report-arms-trade",
)

DODL = Reference(
    kind="dataset",
    authors=("Gannon, J. Andrés",),
    title="DoDL: SIPRI Directed Dyad-Year Arms Transfers (data/sipri_dyad-year.rds)",
    url="https://github.com/jandresgannon/DoDL",
)

SIPRI_MILEX = Reference(
    kind="dataset",
    authors=("Stockholm International Peace Research Institute",),
    year=2024,
    title="SIPRI Military Expenditure Database",
    note="edition covering 1949-2023",
    url="https://www.sipri.org/databases/milex",
    key="siprimilex2024",
)

UNGA_VOTES = Reference(
    kind="dataset",
    authors=("Voeten, Erik", "Strezhnev, Anton", "Bailey, Michael"),
    year=2009,
    title="United Nations General Assembly Voting Data",
    publisher="Harvard Dataverse",
    doi="10.7910/DVN/LEJUQZ",
    url="https://hdl.handle.net/1902.1/12379",
)

VOETEN_2013 = Reference(
    kind="incollection",
    authors=("Voeten, Erik",),
    year=2013,
    title="Data and Analyses of Voting in the United Nations General Assembly",
    booktitle="Routledge Handbook of International Organization",
    editors=("Reinalda, Bob",),
    publisher="Routledge",
)

UNVOTES_PACKAGE = Reference(
    kind="software",
    authors=("Robinson, David",),
    title="unvotes: United Nations General Assembly Voting Data",
    note="R package",
    url="https://github.com/dgrtwo/unvotes",
)

MID_5 = Reference(
    kind="article",
    authors=(
        "Palmer, Glenn",
        "McManus, Roseanne W.",
        "D'Orazio, Vito",
        "Kenwick, Michael R.",
        "Karstens, Mikaela",
        "Bloch, Chase",
        "Dietrich, Nick",
        "Kahn, Kayla",
        "Ritter, Kellan",
        "Soules, Michael J.",
    ),
    year=2021,
    title="The MID5 Dataset, 2011-2014: Procedures, Coding Rules, and Description",
    journal="Conflict Management and Peace Science",
    doi="10.1177/0738894221995743",
)

ARMS_RACES = Reference(
    kind="article",
    authors=("Gibler, Douglas M.", "Rider, Toby J.", "Hutchison, Marc L."),
    year=2005,
    title="Taking Arms Against a Sea of Troubles: Conventional Arms Races during Periods of Rivalry",
    journal="Journal of Peace Research",
    volume="42",
    number="2",
    pages="131-147",
)

PUZZLE_OF_PEACE = Reference(
    kind="book",
    authors=("Goertz, Gary", "Diehl, Paul F.", "Balas, Alexandru"),
    year=2016,
    title="The Puzzle of Peace: The Evolution of Peace in the International System",
    publisher="Oxford University Press",
)

PEACE_DATA = Reference(
    kind="article",
    authors=("Diehl, Paul F.", "Goertz, Gary", "Gallegos, Yahve"),
    year=2021,
    title="Peace Data: Concept, Measurement, Patterns, and Research Agenda",
    journal="Conflict Management and Peace Science",
    volume="38",
    number="5",
    pages="605-624",
)

VDEM_10 = Reference(
    kind="techreport",
    authors=(
        "Coppedge, Michael",
        "Gerring, John",
        "Knutsen, Carl Henrik",
        "Lindberg, Staffan I.",
        "Teorell, Jan",
        "Altman, David",
        "Bernhard, Michael",
        "Fish, M. Steven",
        "Glynn, Adam",
        "Hicken, Allen",
        "Lührmann, Anna",
        "Marquardt, Kyle L.",
        "McMann, Kelly",
        "Paxton, Pamela",
        "Pemstein, Daniel",
        "Seim, Brigitte",
        "Sigman, Rachel",
        "Skaaning, Svend-Erik",
        "Staton, Jeffrey",
        "Cornell, Agnes",
        "Gastaldi, Lisa",
        "Gjerløw, Haakon",
        "Mechkova, Valeriya",
        "von Römer, Johannes",
        "Sundström, Aksel",
        "Tzelgov, Eitan",
        "Uberti, Luca",
        "Wang, Yi-ting",
        "Wig, Tore",
        "Ziblatt, Daniel",
    ),
    year=2020,
    title="V-Dem Codebook v10",
    institution="Varieties of Democracy (V-Dem) Project",
)

POLITY_IV = Reference(
    kind="techreport",
    authors=("Marshall, Monty G.", "Gurr, Ted Robert", "Jaggers, Keith"),
    year=2017,
    title="Polity IV Project: Political Regime Characteristics and Transitions, 1800-2016",
    institution="Center for Systemic Peace",
)

UDS = Reference(
    kind="article",
    authors=("Pemstein, Daniel", "Meserve, Stephen A.", "Melton, James"),
    year=2010,
    title="Democratic Compromise: A Latent Variable Analysis of Ten Measures of Regime Type",
    journal="Political Analysis",
    volume="18",
    number="4",
    pages="426-449",
)

UDS_EXTENDED = Reference(
    kind="misc",
    authors=("Marquez, Xavier",),
    year=2016,
    title="A Quick Method for Extending the Unified Democracy Scores",
    note="SSRN working paper",
    doi="10.2139/ssrn.2753830",
)

TRADE_2009 = Reference(
    kind="article",
    authors=("Barbieri, Katherine", "Keshk, Omar M. G.", "Pollins, Brian"),
    year=2009,
    title="Trading Data: Evaluating our Assumptions and Coding Rules",
    journal="Conflict Management and Peace Science",
    volume="26",
    number="5",
    pages="471-491",
)

TRADE_CODEBOOK_4 = Reference(
    kind="techreport",
    authors=("Barbieri, Katherine", "Keshk, Omar M. G."),
    year=2016,
    title="Correlates of War Project Trade Data Set Codebook, Version 4.0",
    institution="Correlates of War Project",
    url="https://correlatesofwar.org/data-sets/bilateral-trade/",
)

"""ISO 3166-1 country codes, embedded so that validation needs no data files or packages.

The lists are those of the ISO 3166 Maintenance Agency as shipped in Debian's ``iso-codes``
(4.18, 249 officially assigned codes). Alpha-3 codes are kept only to suggest the alpha-2 code
someone meant when they wrote ``ARM`` or ``AZE``.
"""

from __future__ import annotations

from engine.base.errors import CodedValueError, quote

_ALPHA2_TEXT = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
)
#: Every officially assigned ISO 3166-1 alpha-2 code.
ALPHA2: frozenset[str] = frozenset(_ALPHA2_TEXT.split())

_ALPHA3_TEXT = (
    "ABW:AW AFG:AF AGO:AO AIA:AI ALA:AX ALB:AL AND:AD ARE:AE ARG:AR ARM:AM ASM:AS ATA:AQ "
    "ATF:TF ATG:AG AUS:AU AUT:AT AZE:AZ BDI:BI BEL:BE BEN:BJ BES:BQ BFA:BF BGD:BD BGR:BG "
    "BHR:BH BHS:BS BIH:BA BLM:BL BLR:BY BLZ:BZ BMU:BM BOL:BO BRA:BR BRB:BB BRN:BN BTN:BT "
    "BVT:BV BWA:BW CAF:CF CAN:CA CCK:CC CHE:CH CHL:CL CHN:CN CIV:CI CMR:CM COD:CD COG:CG "
    "COK:CK COL:CO COM:KM CPV:CV CRI:CR CUB:CU CUW:CW CXR:CX CYM:KY CYP:CY CZE:CZ DEU:DE "
    "DJI:DJ DMA:DM DNK:DK DOM:DO DZA:DZ ECU:EC EGY:EG ERI:ER ESH:EH ESP:ES EST:EE ETH:ET "
    "FIN:FI FJI:FJ FLK:FK FRA:FR FRO:FO FSM:FM GAB:GA GBR:GB GEO:GE GGY:GG GHA:GH GIB:GI "
    "GIN:GN GLP:GP GMB:GM GNB:GW GNQ:GQ GRC:GR GRD:GD GRL:GL GTM:GT GUF:GF GUM:GU GUY:GY "
    "HKG:HK HMD:HM HND:HN HRV:HR HTI:HT HUN:HU IDN:ID IMN:IM IND:IN IOT:IO IRL:IE IRN:IR "
    "IRQ:IQ ISL:IS ISR:IL ITA:IT JAM:JM JEY:JE JOR:JO JPN:JP KAZ:KZ KEN:KE KGZ:KG KHM:KH "
    "KIR:KI KNA:KN KOR:KR KWT:KW LAO:LA LBN:LB LBR:LR LBY:LY LCA:LC LIE:LI LKA:LK LSO:LS "
    "LTU:LT LUX:LU LVA:LV MAC:MO MAF:MF MAR:MA MCO:MC MDA:MD MDG:MG MDV:MV MEX:MX MHL:MH "
    "MKD:MK MLI:ML MLT:MT MMR:MM MNE:ME MNG:MN MNP:MP MOZ:MZ MRT:MR MSR:MS MTQ:MQ MUS:MU "
    "MWI:MW MYS:MY MYT:YT NAM:NA NCL:NC NER:NE NFK:NF NGA:NG NIC:NI NIU:NU NLD:NL NOR:NO "
    "NPL:NP NRU:NR NZL:NZ OMN:OM PAK:PK PAN:PA PCN:PN PER:PE PHL:PH PLW:PW PNG:PG POL:PL "
    "PRI:PR PRK:KP PRT:PT PRY:PY PSE:PS PYF:PF QAT:QA REU:RE ROU:RO RUS:RU RWA:RW SAU:SA "
    "SDN:SD SEN:SN SGP:SG SGS:GS SHN:SH SJM:SJ SLB:SB SLE:SL SLV:SV SMR:SM SOM:SO SPM:PM "
    "SRB:RS SSD:SS STP:ST SUR:SR SVK:SK SVN:SI SWE:SE SWZ:SZ SXM:SX SYC:SC SYR:SY TCA:TC "
    "TCD:TD TGO:TG THA:TH TJK:TJ TKL:TK TKM:TM TLS:TL TON:TO TTO:TT TUN:TN TUR:TR TUV:TV "
    "TWN:TW TZA:TZ UGA:UG UKR:UA UMI:UM URY:UY USA:US UZB:UZ VAT:VA VCT:VC VEN:VE VGB:VG "
    "VIR:VI VNM:VN VUT:VU WLF:WF WSM:WS YEM:YE ZAF:ZA ZMB:ZM ZWE:ZW"
)
#: Alpha-3 code to alpha-2 code, for suggestions only.
_ALPHA3: dict[str, str] = {pair[:3]: pair[4:] for pair in _ALPHA3_TEXT.split()}
#: Every alpha-3 code: refused where an alpha-2 code is meant (and said so).
ALPHA3: frozenset[str] = frozenset(_ALPHA3)


def check_alpha2(code: str) -> str:
    """Return ``code`` if it is an ISO 3166-1 alpha-2 code.

    Raises:
        ValueError: ``'XX' is not an ISO 3166-1 alpha-2 code``, with a suggestion when the
            code is in lower case or is an alpha-3 code.
    """
    if code in ALPHA2:
        return code
    upper = code.strip().upper()
    if upper in ALPHA2:
        hint = f" (did you mean '{upper}'?)"
    elif upper in _ALPHA3:
        hint = f" (did you mean '{_ALPHA3[upper]}'?)"
    else:
        # No fuzzy matching: two-letter codes are so alike that a guess would mislead
        # (difflib offers Argentina's 'AR' for 'ARM').
        hint = ""
    raise CodedValueError(f"{quote(code)} is not an ISO 3166-1 alpha-2 code{hint}",
                          "invalid_country_code")


def alpha2_for_alpha3(code: str) -> str | None:
    """The alpha-2 code of an ISO 3166-1 alpha-3 code (``ARM`` -> ``AM``), else None."""
    return _ALPHA3.get(code)


def check_alpha2_or_unknown(code: str) -> str:
    """Return ``code`` if it is an ISO 3166-1 alpha-2 code or the word ``unknown``.

    For fields where "not known" is a value an author states (``capture.territory``), like the
    ``unknown`` of the case file's other vocabularies.

    Raises:
        ValueError: naming both accepted forms, with :func:`check_alpha2`'s suggestion.
    """
    if code == "unknown":
        return code
    try:
        return check_alpha2(code)
    except ValueError as exc:
        raise CodedValueError(f"expected an ISO 3166-1 alpha-2 code or 'unknown'; {exc}",
                              "invalid_country_code") from None

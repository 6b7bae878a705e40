package ingest

import (
	"strings"

	"frontline/internal/geocode"
)

// The word lists below are folded (geocode.Fold: lower case, no
// diacritics or apostrophes, Arabic articles dropped), as the words of a
// text are when they are compared with them.

func set(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Split(words, ",") {
		if w = strings.TrimSpace(w); w != "" {
			m[w] = true
		}
	}
	return m
}

// phrases turns a comma-separated list of phrases into folded word lists.
func phrases(list string) [][]string {
	var out [][]string
	for _, p := range strings.Split(list, ",") {
		if f := strings.Fields(strings.TrimSpace(p)); len(f) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// articleWords are the Arabic article as transliterations write it,
// which Fold drops from names.
var articleWords = set("al,el,as,ash,es,ar,er,ad,ed,at,et,az,ez,an,en,ath,adh,ul")

// nameArticle is an article that may open a name the way "Al" opens
// "Al Qaim": written with a capital, or joined by a hyphen to the name.
var nameArticle = set("al,el")

// notPlaceWords never name a place alone, whatever the gazetteer's
// alternate names say: demonyms and adjectives, calendar words, and
// words that GeoNames lists as names but news uses as common words.
var notPlaceWords = set(`
syrian,syrians,iraqi,iraqis,lebanese,iranian,iranians,russian,russians,turkish,turk,turks,kurdish,kurd,kurds,
israeli,israelis,jordanian,qatari,saudi,american,americans,british,french,german,egyptian,emirati,arab,arabs,
arabic,druze,alawite,alawites,sunni,shiite,shia,christian,armenian,palestinian,libyan,yemeni,afghan,ukrainian,
chinese,european,western,eastern,northern,southern,central,islamist,islamic,jihadist,levantine,gulf,
monday,tuesday,wednesday,thursday,friday,saturday,sunday,jan,feb,mar,apr,jun,jul,aug,sep,sept,oct,nov,dec,
mon,tue,tues,wed,thu,thurs,fri,sat,sun,january,february,march,april,may,june,july,august,
september,october,november,december,today,tonight,yesterday,tomorrow,
army,observatory,state,council,security,forces,force,rebels,rebel,regime,government,capital,city,town,
sham,khan,image,credit,clock,tower,heart,gunfire,earlier,later,ministry,minister,president,leader,envoy,
hospital,university,airport,prison,crossing,delta,
`)

// notPlaceArabic are common Arabic nouns that some village is also
// called ("السجن", the prison): Arabic script has no capitals to tell
// them apart, so they are never places alone.
var notPlaceArabic = foldedSet(`سجن,السجن,مطار,المطار,مدينة,المدينة,قرية,القرية,بلدة,البلدة,جيش,الجيش,قوات,حي,الحي,
سوق,السوق,جبل,الجبل,نهر,النهر,طريق,الطريق,شارع,مركز,المركز,معبر,المعبر,قاعدة,القاعدة,سد,السد,محافظة,
ريف,وسط,شمال,الشمال,جنوب,الجنوب,شرق,الشرق,غرب,الغرب,دولة,الدولة,حكومة,الحكومة,نظام,النظام,معارضة,فصائل,
هيئة,تحرير,صباح,مساء,يوم,اليوم,أمس,الخميس,الجمعة,السبت,الأحد,الاثنين,الثلاثاء,الأربعاء,مقاتلون,سيطرة`)

func foldedSet(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Split(words, ",") {
		if f := geocode.Fold(strings.TrimSpace(w)); f != "" {
			m[f] = true
		}
	}
	return m
}

// commonWords are English words that are also some place's name
// somewhere: accepted as places only when written with a capital inside
// a sentence, not as a sentence's first word or in a title-case line.
var commonWords = set(`
acre,ail,alley,angora,arid,ban,bane,bare,barman,barrage,baste,bath,batik,big,bin,blur,burs,bush,cal,can,cars,
cat,chin,chums,charge,dam,dilly,dim,dual,fig,giblet,hail,hang,harem,harm,hart,haul,hay,hero,hit,hod,hop,hula,
hums,humus,iron,jib,kale,lad,lice,lime,limo,logos,main,male,man,mans,mare,marion,megalopolis,meres,mil,mobile,
murk,mush,nice,off,orange,part,pert,pet,polos,pristine,pueblo,pun,ram,reading,rehab,reis,rest,revel,rim,
rosette,saki,salines,salt,sari,saris,sec,seen,senna,sera,seraglio,shin,shun,shush,side,silvan,sine,sir,sis,
soda,sol,soli,son,soul,sour,split,sues,tale,tars,till,tire,tiro,tom,tuba,tubas,tunes,tyros,valley,van,wan,
well,yarn,zap,
`)

// lowercaseNames are names news writes in lower case: they are matched
// although their first word has no capital.
var lowercaseNames = phrases("buffer zone")

// givenNames start a person's name: a capitalised word after one of
// them, with its articles, is part of the name ("Mohammed al-Jalali").
var givenNames = set(`
bashar,hafez,maher,asma,bassel,mohammed,muhammad,mohamed,mohammad,mohamad,mehmet,ahmed,ahmad,abu,umm,ali,
hassan,hasan,hussein,husayn,omar,umar,abdullah,abdallah,abdel,abdul,abd,khaled,khalid,mustafa,mostafa,
mahmoud,mahmud,ibrahim,youssef,yusuf,yousef,rami,abbas,hakan,recep,tayyip,sergei,sergey,vladimir,geir,
antony,anthony,donald,joe,joseph,benjamin,emmanuel,najib,naim,hassan,mazloum,mikhail,dmitry,dmitri,maria,
anas,hadi,salem,fadi,rania,sarah,fatima,layla,leila,faisal,fahad,tamim,mohsen,masoud,ebrahim,hossein,
qassem,ismail,kamal,jamal,nabil,walid,wael,samir,bassam,riad,riyad,rafik,rafic,osama,usama,ayman,zaid,
ziad,yasser,yasin,karim,tareq,tarek,tariq,nizar,ghassan,firas,hamza,hazem,issam,adel,adil,nasser,mansour,
john,james,michael,david,robert,peter,paul,mark,richard,thomas,william,george,kamala,jake,lloyd,linda,
antonio,josep,kaja,ursula,olaf,keir,rishi,giorgia,kristalina,volker,martin,lars,hans,jan,kurt,
`)

// knownPeople are names (folded, without their articles) that are
// people wherever they stand: rulers and officials news on Syria names.
var knownPeople = phrases(`
assad,bashar assad,hafez assad,maher assad,asma assad,bassel assad,jolani,golani,julani,
abu mohammed jolani,abu mohammed golani,abu mohammad jolani,abu mohammad golani,abu muhammad julani,
sharaa,ahmed sharaa,ahmad sharaa,jalali,mohammed jalali,ghazi jalali,rahmoun,mohammed rahmoun,
araghchi,abbas araghchi,fidan,hakan fidan,lavrov,sergei lavrov,pedersen,geir pedersen,trump,donald trump,
blinken,antony blinken,biden,joe biden,putin,vladimir putin,erdogan,recep tayyip erdogan,netanyahu,
benjamin netanyahu,khamenei,pezeshkian,raisi,nasrallah,qassem,naim qassem,mikati,najib mikati,abdi,
mazloum abdi,guterres,macron,sullivan,austin,peskov,zakharova,katz,gallant,baghdadi,zawahiri,bashir,
mohammed bashir,shaibani,abu qasra,hamoud,qadri,mekdad,faisal mekdad,abbas,sudani,safadi,thani,
`)

// titles stand before a person's name ("President", "Interior Minister").
var titles = set(`
president,minister,premier,pm,leader,envoy,spokesman,spokeswoman,spokesperson,commander,general,gen,
colonel,col,major,captain,lieutenant,mr,mrs,ms,dr,king,emir,prince,ayatollah,secretary,chancellor,
ambassador,diplomat,chief,elect,counterpart,sergeant,brigadier,mayor,governor,sultan,
`)

// orgNames are organisations, outlets and bodies: none is a place, and a
// place inside one ("Deir ez-Zor Military Council") locates it only.
var orgNames = phrases(`
hayat tahrir sham,tahrir sham,hts,syrian observatory for human rights,syrian observatory,sohr,
syrian democratic forces,sdf,syrian national army,sna,free syrian army,syrian free army,fsa,sham fm,
hezbollah,hizbollah,hizballah,qaeda,qaida,truth social,united nations,un,security council,
un security council,islamic state,isis,isil,daesh,military operations command,southern operations room,
operations room,syrian arab red crescent,red crescent,white helmets,jaish islam,jaysh islam,ahrar sham,
nusra front,jabhat nusra,sana,syrian arab news agency,afp,afptv,reuters,associated press,ap,
al jazeera,jazeera,arabiya,bbc,cnn,hamas,european union,eu,nato,white house,kremlin,pentagon,
state department,foreign ministry,defence ministry,defense ministry,interior ministry,telegram,facebook,
tass,ria novosti,anadolu,world food programme,unhcr,ocha,unicef,red cross,icrc,
deterrence of aggression,dawn of freedom,ypg,pkk,ypj,idf,irgc,revolutionary guards,quds force,
wagner,undof,sham liberation committee,national liberation front,turkistan islamic party,
eighth brigade,8th brigade,men of dignity,sheikh of dignity,al mayadeen,mayadeen,sky news,
`)

// orgHeads follow a place to make an organisation of it ("Manbij Military
// Council", "Damascus Conquest operations room", "Sham FM").
var orgHeads = phrases(`
military council,conquest operations room,operations room,university,revolutionary council,local council,
city council,provincial council,governorate council,fm,tv,radio,airlines,club,brigade,brigades,front,
liberation front,martyrs brigade,chamber of commerce,bar association,central bank,stock exchange,
`)

// orgOpeners precede a place to make an organisation of it
// ("University of Aleppo").
var orgOpeners = phrases(`university of,universities of,bank of,governor of the central bank of`)

// kindWords follow a place's name (or precede it with "of") to name one
// of its features: "Al Qaim border crossing", "the prison of Sednaya".
var kindWords = []struct {
	words []string
	kinds []string
}{
	{[]string{"international", "airport"}, []string{"airport", "air_base"}},
	{[]string{"military", "airport"}, []string{"air_base", "airport"}},
	{[]string{"military", "prison"}, []string{"prison"}},
	{[]string{"border", "crossing"}, []string{"border_crossing"}},
	{[]string{"border", "post"}, []string{"border_crossing"}},
	{[]string{"crossing", "point"}, []string{"border_crossing"}},
	{[]string{"air", "base"}, []string{"air_base"}},
	{[]string{"naval", "base"}, []string{"military_base"}},
	{[]string{"military", "base"}, []string{"military_base"}},
	{[]string{"airbase"}, []string{"air_base"}},
	{[]string{"airfield"}, []string{"air_base", "airport"}},
	{[]string{"airport"}, []string{"airport", "air_base"}},
	{[]string{"prison"}, []string{"prison"}},
	{[]string{"jail"}, []string{"prison"}},
	{[]string{"crossing"}, []string{"border_crossing"}},
	{[]string{"dam"}, []string{"dam"}},
	{[]string{"province"}, []string{"governorate"}},
	{[]string{"governorate"}, []string{"governorate"}},
}

// demonymCountry maps a country's adjective to its ISO code, for "the
// Lebanese capital".
var demonymCountry = map[string]string{
	"syrian": "SY", "lebanese": "LB", "iraqi": "IQ", "jordanian": "JO", "turkish": "TR", "israeli": "IL",
	"iranian": "IR", "russian": "RU", "qatari": "QA", "egyptian": "EG", "saudi": "SA", "libyan": "LY",
	"american": "US", "british": "GB", "french": "FR",
}

// adjectiveSuffixes make an adjective of a name joined by a hyphen:
// "Turkish-backed", "Britain-based", "Israeli-annexed".
var adjectiveSuffixes = set(`
led,backed,based,held,controlled,annexed,occupied,allied,linked,aligned,run,born,made,funded,supported,
armed,sponsored,affiliated,bound,registered,owned,dominated,oriented,friendly,leaning,style,focused,
centred,centered,wide,area,
`)

// bearingWords before "of" or "from" make the place after a bearing,
// not what a sentence is about: "north of the capital", "140 kilometres
// from Homs".
var bearingWords = set(`north,south,east,west,northeast,northwest,southeast,southwest,northern,southern,eastern,western,kilometres,kilometers,km,miles`)

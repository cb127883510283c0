// The word list of the `constraints` task: common English words of 3 to 6 letters, lowercase.
// An answer's words must come from it ("known words"), so a model cannot pass with made-up ones.

/** Every word the task knows, in alphabetical order. */
export const WORDS: readonly string[] = `
able acid aged also area army away baby back bad bag bake ball band bank bar base bath bean
bear beat bed beef bell belt best bike bird bit black blue boat body bone book boot born boss
both bowl box boy bread brick bus busy cake call calm camp can cap car card care cart case cash
cat cell chair chat chin city clay clean coat code coin cold cook cool copy corn cost cow crew
cup cut dad dark data date day deal dear deep deer desk dice dig dish dog door down draw dream
dress drop drum duck dust each ear earn east easy eat edge egg else end even ever exit eye face
fact fair fall farm fast fat fear feed feel fish fit five flag flat fly fog food foot fork form
fox free frog fun game gate gift girl give glad glass goal gold golf good gate grass green grey
hair half hall hand hard hat head hear heat help hen here high hill home hope horn horse hot
hour huge idea inch iron item jam jar job join joke jump just keep key kick kind king kite knee
lake lamp land last late lead leaf left leg lens life lift light line lion list live loaf lock
long love low luck lunch mad mail main make map mark meal meat milk mind mint mix moon more most
move much mud nail name near neck need nest net new nice night nine none nose note nut oak oil
old once one open oven own pack page paint pair palm pan park part path pay pea pen pet pick pie
pig pink pipe plan play plum pool poor pot push quiz rain rat read real red rest rice rich ride
ring road rock roof room rope rose rug rule run safe sail salt sand save sea seat seed shoe shop
side sign silk sing sink size sky sled slow snow soap sock sofa soft song soup star step stone
sun swim table tail talk tall tape taxi tea team tent test tide tile time tin toe tone tool top
town toy tree trip tube tune van vase vest view wall warm wash wave way week well west wet wide
wife wind wing wise wolf wood wool word work yard year yes yoga young zero zone
`
  .trim()
  .split(/\s+/)
  .filter((w, i, all) => all.indexOf(w) === i)
  .sort();

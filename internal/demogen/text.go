package demogen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The access-list clauses are our own text, written in the manner of published
// 生态环境准入清单 (numbered requirements per dimension). They are fictional.

type clausePool struct {
	spatial, pollutant, risk, resource []string
}

func priorityClauses() clausePool {
	return clausePool{
		spatial: []string{
			"生态保护红线内，自然保护地核心保护区原则上禁止人为活动；其他区域严格禁止开发性、生产性建设活动，在符合现行法律法规前提下，仅允许对生态功能不造成破坏的有限人为活动。",
			"一般生态空间原则上按限制开发区域管理，不得新建、扩建工业项目和矿产资源开发项目，已有不符合管控要求的项目应制定计划逐步退出。",
			"自然保护地、饮用水水源保护区、秦岭核心保护区和重点保护区等法定保护区域，按相应法律法规和管理办法执行。",
			"禁止在二十五度以上陡坡地开垦种植农作物；旅游设施建设应与生态保护目标相协调，严格控制开发强度。",
			"禁止新建、扩建小水电项目；对影响河流生态连通性的已建小水电站实施整改或有序退出。",
		},
		pollutant: []string{
			"区域内不得新增工业污染物排放；现有农村生活污水应收集处理，处理设施出水执行示范省农村生活污水处理设施水污染物排放标准。",
			"严格控制化肥、农药施用量，推广测土配方施肥和病虫害绿色防控，化肥农药使用量实现负增长。",
			"禁养区内不得新建规模化畜禽养殖场，现有畜禽养殖废弃物资源化利用率达到省定目标。",
			"旅游服务设施产生的污水、垃圾须全部收集处理，不得向水体和林地排放、倾倒。",
		},
		risk: []string{
			"加强森林火灾、地质灾害及外来物种入侵风险防范，建立生态环境监测预警体系。",
			"禁止新建危险化学品生产、储存项目；穿越区域的道路应设置危险品运输事故应急防护设施。",
			"加强尾矿库、废弃矿山环境风险排查和生态修复，防止历史遗留矿山次生污染。",
		},
		resource: []string{
			"严格控制建设用地规模，不得占用生态用地；水资源开发利用须保障河道生态基流。",
			"林地、草地保有量不减少，森林覆盖率保持稳定并逐步提高。",
			"严格执行取水许可制度，禁止超采地下水。",
		},
	}
}

func keyClauses() clausePool {
	return clausePool{
		spatial: []string{
			"新建、扩建工业项目应符合园区规划及规划环境影响评价要求，严禁引入不符合园区主导产业定位的高污染项目。",
			"新建化工、涉重金属项目须进入依法合规设立的化工园区或专业园区；园区外现有化工企业不得扩大规模。",
			"城镇建成区内不得新建、扩建钢铁、水泥、平板玻璃、焦化等高耗能、高排放项目，现有项目逐步搬迁改造。",
			"新建“两高”项目须符合国家产业政策和“三线一单”要求，落实主要污染物区域削减和煤炭消费减量替代。",
		},
		pollutant: []string{
			"园区污水集中处理设施出水执行《城镇污水处理厂污染物排放标准》一级A标准；企业废水预处理达到接管要求后方可排入。",
			"新建项目主要污染物排放实行等量或倍量削减替代，挥发性有机物排放须落实总量指标来源。",
			"燃煤锅炉全面执行超低排放要求，禁止新建每小时35蒸吨以下燃煤锅炉。",
			"施工工地落实扬尘防治“六个百分之百”要求，重污染天气期间执行应急减排措施。",
		},
		risk: []string{
			"园区应编制突发环境事件应急预案，建设企业、园区、水体三级防控体系和事故应急池，定期开展应急演练。",
			"涉危险化学品企业与居住区保持必要的安全防护距离；土壤污染重点监管单位落实隐患排查制度。",
			"危险废物产生单位落实贮存、转移联单和台账管理，严禁非法转移、倾倒。",
		},
		resource: []string{
			"新建项目单位产品能耗、水耗应达到国内先进水平；园区工业用水重复利用率不低于90%。",
			"推进清洁能源替代，工业园区优先使用天然气、电能等清洁能源，严控新增煤炭消费。",
			"工业项目容积率、投资强度、产出强度符合示范省工业项目建设用地控制指标。",
		},
	}
}

func generalClauses() clausePool {
	return clausePool{
		spatial: []string{
			"执行区域生态环境保护的基本要求，落实国土空间规划和产业政策，新建项目应符合市场准入负面清单。",
			"工业项目原则上进入工业集聚区；在集聚区外新建工业项目须符合相关规划并依法开展环境影响评价。",
			"加强耕地保护，优先发展生态农业和农产品初加工，禁止在永久基本农田内建设与农业生产无关的项目。",
		},
		pollutant: []string{
			"农村生活污水、生活垃圾实现有效治理，加强农业面源污染防治。",
			"新建项目污染物排放执行国家和地方排放标准，依法落实排污许可制度。",
			"规模化畜禽养殖场配套建设粪污处理设施，粪污资源化利用率达到省定目标。",
		},
		risk: []string{
			"加强饮用水水源地周边环境风险排查，严格危险废物收集、贮存和转移管理。",
			"加油站、油库等储油设施落实防渗措施，定期开展地下水环境监测。",
		},
		resource: []string{
			"落实最严格水资源管理制度，农田灌溉水有效利用系数达到省定目标。",
			"提高土地利用效率，严格控制新增建设用地，盘活存量建设用地。",
		},
	}
}

// pick returns n distinct items of list in list order, chosen by rng.
func pick(rng *rand.Rand, list []string, n int) []string {
	n = min(n, len(list))
	idx := rng.Perm(len(list))[:n]
	chosen := make([]bool, len(list))
	for _, i := range idx {
		chosen[i] = true
	}
	var out []string
	for i, s := range list {
		if chosen[i] {
			out = append(out, s)
		}
	}
	return out
}

func numbered(items []string) string {
	var b strings.Builder
	for i, s := range items {
		fmt.Fprintf(&b, "%d.%s", i+1, s)
	}
	return b.String()
}

// clauses returns the four access-list texts of a unit of class c ("1", "2", "3").
// extra is a unit-specific spatial-layout clause put first ("" for none).
func clauses(rng *rand.Rand, class, extra string) [4]string {
	var pool clausePool
	switch class {
	case "1":
		pool = priorityClauses()
	case "2":
		pool = keyClauses()
	default:
		pool = generalClauses()
	}
	spatial := pick(rng, pool.spatial, 2+rng.IntN(2))
	if extra != "" {
		spatial = append([]string{extra}, spatial...)
	}
	return [4]string{
		numbered(spatial),
		numbered(pick(rng, pool.pollutant, 1+rng.IntN(2))),
		numbered(pick(rng, pool.risk, 1+rng.IntN(2))),
		numbered(pick(rng, pool.resource, 1+rng.IntN(2))),
	}
}

// Fictional cities and counties of 示范省, by grid band. The county codes borrow
// Shaanxi's province prefix 61 with city numbers 71–73 that Shaanxi does not use.
func cityName(cy int) string { return [3]string{"秦阳市", "岚州市", "北原市"}[cy] }

func countyName(cy, cx int) string {
	return [3][4]string{
		{"云岭县", "石门县", "清溪县", "汉阳县"},
		{"岚川区", "松峪县", "青峰县", "白鹿县"},
		{"北原区", "柳塬县", "槐塬县", "塬上县"},
	}[cy][cx]
}

func keyLead(n int) string {
	leads := []string{
		"城镇开发边界内，优化工业布局，新建工业项目须进入园区。",
		"园区主导产业为装备制造、新材料和农产品精深加工。",
		"园区主导产业为现代物流、电子信息和食品加工。",
	}
	return leads[n%len(leads)]
}

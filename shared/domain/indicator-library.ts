import type { Indicator } from './indicators.js';
import type { categories } from './project.js';

/**
 * The indicator library (指标库): templates by project category that help departments write goals. Each
 * category's set is a complete goal set under the default points (output 50, benefit 30, satisfaction 10),
 * so a department can start from it as it is and change targets, names and weights to fit its project.
 * Reference data: part of the code, always present (not demo data).
 */
export type Category = (typeof categories)[number];

const q = (
  level1: Indicator['level1'],
  level2: Indicator['level2'],
  name: string,
  operator: '>=' | '<=' | '=',
  target: number,
  unit: string,
  weight: number,
): Indicator => ({ level1, level2, name, operator, target, unit, weight });

const qual = (
  level1: Indicator['level1'],
  level2: Indicator['level2'],
  name: string,
  weight: number,
  target: string,
  explanation: string,
): Indicator => ({ level1, level2, name, operator: 'qualitative', target, weight, explanation });

export const indicatorLibrary: Record<Category, { title: string; indicators: Indicator[] }> = {
  education: {
    title: '教育类（如：义务教育学校改扩建）',
    indicators: [
      q('output', 'quantity', '新增学位数', '>=', 1200, '个', 15),
      q('output', 'quality', '工程竣工验收合格率', '=', 100, '%', 15),
      q('output', 'timeliness', '项目按期完工率', '>=', 95, '%', 10),
      q('output', 'cost', '生均建设成本', '<=', 3.5, '万元', 10),
      q('benefit', 'social', '适龄儿童少年入学率', '>=', 99.5, '%', 15),
      qual(
        'benefit',
        'sustainability',
        '办学条件持续改善',
        15,
        '办学条件明显改善并长效保持',
        '新增校舍和设施投入使用并建立维护制度，视为达成',
      ),
      q('satisfaction', 'satisfaction', '学生家长满意度', '>=', 90, '%', 10),
    ],
  },
  health: {
    title: '卫生健康类（如：基层医疗卫生服务能力提升）',
    indicators: [
      q('output', 'quantity', '家庭医生签约服务人数', '>=', 50000, '人', 15),
      q('output', 'quality', '基本公共卫生服务考核合格率', '>=', 95, '%', 15),
      q('output', 'timeliness', '医疗设备按期到位率', '>=', 95, '%', 10),
      q('output', 'cost', '人均基本公共卫生服务成本', '<=', 120, '元', 10),
      q('benefit', 'social', '居民电子健康档案建档率', '>=', 90, '%', 15),
      q('benefit', 'sustainability', '基层医疗机构诊疗量占比', '>=', 60, '%', 15),
      q('satisfaction', 'satisfaction', '就诊患者满意度', '>=', 90, '%', 10),
    ],
  },
  infrastructure: {
    title: '基础设施类（如：道路新建改建）',
    indicators: [
      q('output', 'quantity', '新建改建道路里程', '>=', 12, '公里', 15),
      q('output', 'quality', '工程质量验收合格率', '=', 100, '%', 15),
      q('output', 'timeliness', '工程按期完工率', '>=', 95, '%', 10),
      q('output', 'cost', '实际造价占批复概算比例', '<=', 100, '%', 10),
      q('benefit', 'economic', '沿线平均通行时间缩短', '>=', 15, '%', 10),
      q('benefit', 'social', '道路交通事故下降率', '>=', 10, '%', 10),
      q('benefit', 'ecological', '施工扬尘治理达标率', '>=', 95, '%', 10),
      q('satisfaction', 'satisfaction', '沿线群众满意度', '>=', 85, '%', 10),
    ],
  },
  agriculture: {
    title: '农业农村类（如：高标准农田建设）',
    indicators: [
      q('output', 'quantity', '建成高标准农田面积', '>=', 20000, '亩', 15),
      q('output', 'quality', '工程验收合格率', '=', 100, '%', 15),
      q('output', 'timeliness', '当年建设任务完成率', '>=', 95, '%', 10),
      q('output', 'cost', '亩均财政投入', '<=', 1500, '元/亩', 10),
      q('benefit', 'economic', '亩均粮食产能提高', '>=', 100, '斤', 10),
      q('benefit', 'ecological', '高效节水灌溉面积占比', '>=', 60, '%', 10),
      qual(
        'benefit',
        'sustainability',
        '建后管护机制',
        10,
        '管护机制健全、长效运行',
        '管护主体、责任和经费落实到位并有记录，视为达成',
      ),
      q('satisfaction', 'satisfaction', '受益农户满意度', '>=', 90, '%', 10),
    ],
  },
  social_security: {
    title: '社会保障类（如：困难群众救助）',
    indicators: [
      q('output', 'quantity', '城乡低保救助人数', '>=', 3000, '人', 15),
      q('output', 'quality', '救助对象认定准确率', '>=', 98, '%', 15),
      q('output', 'timeliness', '救助资金按时足额发放率', '=', 100, '%', 10),
      q('output', 'cost', '资金管理费用占比', '<=', 3, '%', 10),
      qual(
        'benefit',
        'social',
        '困难群众基本生活得到保障',
        15,
        '困难群众基本生活得到有效保障，群众普遍满意',
        '救助对象应保尽保、无因救助不及时引发的极端事件，视为达成',
      ),
      q('benefit', 'sustainability', '救助对象动态复核覆盖率', '>=', 95, '%', 15),
      q('satisfaction', 'satisfaction', '救助对象满意度', '>=', 90, '%', 10),
    ],
  },
};
